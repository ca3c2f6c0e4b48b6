package approval

import (
	"context"
	"time"
)

// The backoff between attempts to write a run's result.
const (
	resultRetryFirst = 50 * time.Millisecond
	resultRetryMax   = 5 * time.Second
)

// recordResult writes a run's final state with change, and keeps trying while the store fails
// (it is briefly away) and the run's lease lasts: within the lease no sweeper marks the run
// interrupted, so the result written late is still the only one. It stops at once on a
// conflict (the sweeper marked the run interrupted), and when the lease has run out: the
// sweeper then marks it interrupted, and that is the outcome people are told. The first
// attempt starts from r, the request as claimed, without reading it again: while the run
// holds its claim nobody else writes it, and a write that finds it moved on reads it again
// as any other.
func (s *Service) recordResult(ctx context.Context, r *Request, change func(cur *Request) ([]Event, error)) (*Request, error) {
	cp := *r // change sets fields of its own; the slices are shared, never written
	claimed := &cp
	return s.retry(ctx, retrying{first: resultRetryFirst, most: resultRetryMax, until: r.LeaseUntil, final: ECONFLICT,
		waiting: func(attempt int, wait time.Duration, err error) {
			s.log.WarnContext(ctx, "run result not written yet; trying again while the run's claim lasts",
				"request_id", r.ID, "attempt", attempt, "retry_in", wait, "lease_until", r.LeaseUntil, "err", err)
		}},
		func() (*Request, error) {
			final, err := s.mutateFrom(ctx, r.ID, claimed, change)
			claimed = nil
			return final, err
		})
}
