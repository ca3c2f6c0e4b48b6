package approval

import "sync"

// starts orders what a run tells behind the starts of the runs approved before it: the clicks
// this process is deciding and the runs it has claimed, up to the moment each starts its
// Cognito action (or ends without one), each holds a ticket. Once a run has started its
// action, its notices wait until every ticket issued before then is done, at most until its
// own action has returned: with many approvals at once, the CPU, the store and Slack go first
// to the clicks and runs still on their way to Cognito, and the notices follow, in a burst,
// instead of slowing every later click down by a notice and a card each. One approval on its
// own has nothing to wait for.
type starts struct {
	mu      sync.Mutex
	next    uint64              // the next ticket
	active  map[uint64]struct{} // tickets not done
	waiters []startWaiter
}

// startWaiter opens gate once every ticket below upTo is done.
type startWaiter struct {
	upTo uint64
	gate *actionGate
}

// begin issues a ticket; done (which may be called more than once) ends it.
func (s *starts) begin() (done func()) {
	s.mu.Lock()
	t := s.next
	s.next++
	if s.active == nil {
		s.active = map[uint64]struct{}{}
	}
	s.active[t] = struct{}{}
	s.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { s.end(t) }) }
}

// end ends ticket t and opens the gates no ticket keeps shut any longer.
func (s *starts) end(t uint64) {
	s.mu.Lock()
	delete(s.active, t)
	low := s.next // the lowest ticket not done
	for a := range s.active {
		low = min(low, a)
	}
	var open []*actionGate
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if w.upTo <= low {
			open = append(open, w.gate)
		} else {
			kept = append(kept, w)
		}
	}
	clear(s.waiters[len(kept):])
	s.waiters = kept
	s.mu.Unlock()
	for _, g := range open {
		g.open()
	}
}

// openAfterEarlier opens g once every ticket issued so far is done; done, the caller's own
// ticket, is ended first.
func (s *starts) openAfterEarlier(g *actionGate, done func()) {
	done()
	s.openWhenDone(g)
}

// after returns a channel closed once every ticket issued so far is done.
func (s *starts) after() <-chan struct{} {
	g := newActionGate()
	s.openWhenDone(g)
	return g.ch
}

// openWhenDone opens g once every ticket issued so far is done: at once when none is active.
func (s *starts) openWhenDone(g *actionGate) {
	s.mu.Lock()
	waiting := len(s.active) > 0 // every ticket active was issued before now
	if waiting {
		s.waiters = append(s.waiters, startWaiter{upTo: s.next, gate: g})
	}
	s.mu.Unlock()
	if !waiting {
		g.open()
	}
}

// StartsDone returns a channel closed once every click and run this process has on its way to
// Cognito now has started its action, or ended without one: work that can wait, as the Home
// tabs can, waits for it, so that the CPU and the store go to those runs first. Clicks that
// come after do not hold it back.
func (s *Service) StartsDone() <-chan struct{} { return s.starts.after() }
