package approval

import (
	"context"
	"fmt"

	"github.com/resetbot/resetbot/policy"
)

// Queue is what concerns one person now: what waits for their decision, what they asked for
// that is still open, and what they decided last. The Home tab and `pending` show it.
type Queue struct {
	// Waiting are the oldest pending requests the person may approve now, oldest first (at
	// most ListLimit); WaitingTotal counts them all.
	Waiting      []*Request
	WaitingTotal int
	// Mine are the person's oldest own requests still open (pending or approved), oldest
	// first (at most ListLimit); MineTotal counts them all.
	Mine      []*Request
	MineTotal int
	// Decided are the last requests the person approved or denied, newest first (at most
	// DecidedLimit).
	Decided []*Request
}

// ListLimit is how many requests Queue.Waiting and Queue.Mine list; the rest are counted.
const ListLimit = 20

// DecidedLimit is how many of a person's last decisions Queue.Decided lists.
const DecidedLimit = 10

// QueueOf returns a's queue. It changes nothing and audits nothing: it lists only what the
// policy lets a decide and what a asked for.
func (s *Service) QueueOf(ctx context.Context, a policy.Approver) (Queue, error) {
	qs, err := s.QueuesOf(ctx, a)
	if err != nil {
		return Queue{}, err
	}
	return qs[0], nil
}

// QueuesOf returns the queues of several people, in the order given, from one read of the
// open requests: publishing the Home tabs of everyone a busy hour concerns costs one read of
// them, not one per person. The read streams: each request is looked at and dropped unless
// it is among the first ListLimit of a list, so that thousands open cost no more memory than
// a few.
func (s *Service) QueuesOf(ctx context.Context, people ...policy.Approver) ([]Queue, error) {
	now := s.now()
	qs := make([]Queue, len(people))
	err := s.store.EachPending(ctx, func(r *Request) error {
		for i, a := range people {
			q := &qs[i]
			if r.Requester == a.User {
				q.Mine, q.MineTotal = keep(q.Mine, r), q.MineTotal+1
			}
			if r.State != StatePending || (!r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)) {
				continue
			}
			if ok, _ := s.pol.CanApprove(boundDecision(r), a, r.Requester, approvers(r)); ok {
				q.Waiting, q.WaitingTotal = keep(q.Waiting, r), q.WaitingTotal+1
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list open requests: %w", err)
	}
	for i, a := range people {
		if qs[i].Decided, err = s.decidedBy(ctx, a.User); err != nil {
			return nil, err
		}
	}
	return qs, nil
}

// keep appends r to list while it holds fewer than ListLimit.
func keep(list []*Request, r *Request) []*Request {
	if len(list) < ListLimit {
		return append(list, r)
	}
	return list
}
