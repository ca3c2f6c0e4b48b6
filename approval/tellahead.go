package approval

import (
	"context"
	"sync"
)

// told is a notice being posted in the background; its channel closes once it is posted (or
// has failed, which tell logs). A nil told is one already posted.
type told <-chan struct{}

// wait returns once the notice is posted.
func (t told) wait() {
	if t != nil {
		<-t
	}
}

// tellAhead posts a notice in the background, after the one before it (nil for none), so that
// Slack's answers do not hold up the store or Cognito: a run starts its Cognito calls while
// "Running" is being posted. Whoever tells the next notice of the request waits for it first,
// so that the thread keeps its order. It tells a copy of r, which tell may fill in.
func (s *Service) tellAhead(ctx context.Context, before told, r *Request, n Notice) told {
	done := make(chan struct{})
	cp := *r
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				s.panicked(ctx, "notice", cp.ID, v)
			}
		}()
		before.wait()
		s.tell(ctx, &cp, n)
	}()
	return done
}

// actionGate holds back the notices of a claimed run ("Approved", "Running") until the run has
// started its Cognito action, or ended without one: what the click is for, the reset, goes
// first (and, through starts, the runs approved before it). Many approvals at once each post a
// notice and redraw a card; told before the runs, those Slack calls, their store reads and
// marks took the CPU, the store and Slack from the clicks and runs behind them. The request as
// stored says "running" from the claim's write on, so a card drawn a moment later is never of
// an older state than the store's, and the claim's audit event is stored before the action,
// as before.
type actionGate struct {
	ch   chan struct{}
	once sync.Once
}

func newActionGate() *actionGate { return &actionGate{ch: make(chan struct{})} }

// told is the gate as a notice to tell after: it is posted once the gate opens.
func (g *actionGate) told() told { return g.ch }

// open lets the notices held back go; it may be called more than once.
func (g *actionGate) open() { g.once.Do(func() { close(g.ch) }) }
