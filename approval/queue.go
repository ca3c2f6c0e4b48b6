package approval

import (
	"context"
	"fmt"
	"slices"

	"github.com/resetbot/resetbot/policy"
)

// Queue is what concerns one person now: what waits for their decision, what they asked for
// that is still open, and what they decided last. The Home tab and `pending` show it.
type Queue struct {
	// Waiting are the pending requests the person may approve now, oldest first.
	Waiting []*Request
	// Mine are the person's own requests still open (pending or approved), oldest first.
	Mine []*Request
	// Decided are the last requests the person approved or denied, newest first (at most
	// DecidedLimit).
	Decided []*Request
}

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
// them, not one per person.
func (s *Service) QueuesOf(ctx context.Context, people ...policy.Approver) ([]Queue, error) {
	open, err := s.store.Pending(ctx)
	if err != nil {
		return nil, fmt.Errorf("list open requests: %w", err)
	}
	slices.SortStableFunc(open, func(x, y *Request) int { return x.CreatedAt.Compare(y.CreatedAt) })
	now := s.now()
	qs := make([]Queue, len(people))
	for i, a := range people {
		q := &qs[i]
		for _, r := range open {
			if r.Requester == a.User {
				q.Mine = append(q.Mine, r)
			}
			if r.State != StatePending || (!r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)) {
				continue
			}
			if ok, _ := s.pol.CanApprove(boundDecision(r), a, r.Requester, approvers(r)); ok {
				q.Waiting = append(q.Waiting, r)
			}
		}
		if q.Decided, err = s.decidedBy(ctx, a.User); err != nil {
			return nil, err
		}
	}
	return qs, nil
}
