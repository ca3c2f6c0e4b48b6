package approval

import (
	"context"
	"errors"
	"fmt"
)

// decidedBy lists the last DecidedLimit requests user approved or denied, newest first. It
// reads the audit trail from the newest event back and stops once it has them.
func (s *Service) decidedBy(ctx context.Context, user string) ([]*Request, error) {
	var (
		out  []*Request
		seen = map[string]bool{}
	)
	err := s.store.ScanEvents(ctx, EventFilter{Actor: user, Kinds: []string{"approved", "denied"}, NewestFirst: true},
		func(e Event) error {
			if e.RequestID == "" || seen[e.RequestID] {
				return nil
			}
			seen[e.RequestID] = true
			r, err := s.store.Get(ctx, e.RequestID)
			if ErrorCode(err) == ENOTFOUND {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read request %s: %w", e.RequestID, err)
			}
			out = append(out, r)
			if len(out) == DecidedLimit {
				return ErrStopScan
			}
			return nil
		})
	if err != nil && !errors.Is(err, ErrStopScan) {
		return nil, fmt.Errorf("the last decisions of %s: %w", user, err)
	}
	return out, nil
}
