package approval

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/resetbot/resetbot/internal/logctx"
)

// owe stores n with the step being written to r: it stays in r.Untold until it is told, and
// r.TellAt is when the sweeper of any process tells it if this one has not by then (it stopped
// in between). It returns n numbered, for tell to take it off once posted.
func (s *Service) owe(r *Request, n Notice) Notice {
	r.NoticeSeq++
	n.Seq = r.NoticeSeq
	r.Untold = append(r.Untold, n)
	r.TellAt = s.now().Add(s.lease)
	return n
}

// owed returns the notice of a kind r holds untold, the newest one, or n when it holds none
// (it was told and taken off already, or never stored).
func owed(r *Request, kind NoticeKind, n Notice) Notice {
	for _, u := range slices.Backward(r.Untold) {
		if u.Kind == kind {
			return u
		}
	}
	return n
}

// forget takes told notices off a request's Untold, in a compare-and-swap that changes nothing
// else (not even UpdatedAt, which the sweeper's resumption goes by), and clears TellAt once
// nothing is left untold.
func (s *Service) forget(ctx context.Context, id string, seqs ...int64) {
	for range maxCASAttempts {
		r, err := s.store.Get(ctx, id)
		if err != nil {
			s.log.WarnContext(ctx, "told notices not taken off the request", "request_id", id, "err", err)
			return
		}
		n := len(r.Untold)
		r.Untold = slices.DeleteFunc(r.Untold, func(u Notice) bool { return slices.Contains(seqs, u.Seq) })
		if len(r.Untold) == n {
			return // taken off already, by a sweeper that told them late
		}
		if len(r.Untold) == 0 {
			r.TellAt = time.Time{}
		}
		err = s.store.Update(ctx, r)
		if ErrorCode(err) == ECONFLICT {
			continue
		}
		if err != nil {
			s.log.WarnContext(ctx, "told notices not taken off the request", "request_id", id, "err", err)
		}
		return
	}
	s.log.WarnContext(ctx, "told notices not taken off the request: it kept changing", "request_id", id)
}

// tellDue reports whether a request holds steps untold past their TellAt.
func tellDue(r *Request, now time.Time) bool {
	return !r.TellAt.IsZero() && !now.Before(r.TellAt)
}

// tellLate tells what a process that stopped left untold: it takes the telling over by a
// compare-and-swap that moves TellAt on (a second sweeper loses it and does nothing), posts the
// untold notices in their order, draws the card as the request is now, and takes them off.
func (s *Service) tellLate(ctx context.Context, r *Request) error {
	ctx = logctx.With(ctx, "request_id", r.ID)
	r.TellAt = s.now().Add(s.lease)
	if err := s.store.Update(ctx, r); err != nil {
		return skipConflict(err)
	}
	s.log.InfoContext(ctx, "telling steps their process left untold", "request_id", r.ID, "state", r.State, "notices", len(r.Untold))
	if r.Thread.TS != "" {
		for _, n := range r.Untold {
			if err := s.notify.Notify(ctx, r, n); err != nil {
				s.log.ErrorContext(ctx, "notice not posted", "request_id", r.ID, "kind", n.Kind, "err", err)
			}
		}
		if len(r.Untold) == 0 {
			if err := s.notify.UpdateCard(ctx, r); err != nil {
				s.log.ErrorContext(ctx, "card not updated", "request_id", r.ID, "err", err)
			}
		}
		s.redrawCard(ctx, r)
	}
	seqs := make([]int64, 0, len(r.Untold))
	for _, n := range r.Untold {
		seqs = append(seqs, n.Seq)
	}
	if len(seqs) == 0 {
		return s.clearTellAt(ctx, r)
	}
	s.forget(ctx, r.ID, seqs...)
	return nil
}

// clearTellAt clears a TellAt that has nothing untold left to tell.
func (s *Service) clearTellAt(ctx context.Context, r *Request) error {
	r.TellAt = time.Time{}
	if err := s.store.Update(ctx, r); err != nil && ErrorCode(err) != ECONFLICT {
		return fmt.Errorf("clear the time to tell: %w", err)
	}
	return nil
}
