package approval

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/internal/logctx"
)

// sweepStep is one thing the sweeper does to a due request: when applies, do it.
type sweepStep struct {
	name    string
	applies func(r *Request, now time.Time) bool
	do      func(s *Service, ctx context.Context, id string) (*Request, error)
}

// sweepSteps are tried in order; the first that applies handles the request.
var sweepSteps = []sweepStep{
	{"interrupt", leaseOver, (*Service).interrupt},
	{"expire", expiredAt, (*Service).expire},
	{"remind", remindDue, (*Service).remind},
}

func leaseOver(r *Request, now time.Time) bool {
	return r.State == StateRunning && !r.LeaseUntil.IsZero() && !now.Before(r.LeaseUntil)
}

func expiredAt(r *Request, now time.Time) bool {
	return r.State == StatePending && !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt)
}

func remindDue(r *Request, now time.Time) bool {
	return r.State == StatePending && !r.Reminded && !r.RemindAt.IsZero() && !now.Before(r.RemindAt) && r.Thread.TS != ""
}

// Sweep expires overdue requests, sends due reminders, marks runs whose lease ran out as
// interrupted, and finishes what a stopped process left halfway (resumeSteps): approved
// requests nobody claimed run, requests that need no approval run, requests whose card was
// never posted are withdrawn. Every change is a compare-and-swap, so several
// processes may sweep at once: each thing is done once. Last, it draws again the cards left
// behind their request (drawCardsBehind), which any process may do, twice without harm.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	due, err := s.store.Due(ctx, now)
	if err != nil {
		return fmt.Errorf("sweep: list due requests: %w", err)
	}
	var errs []error
	for _, r := range due {
		for _, step := range sweepSteps {
			if !step.applies(r, now) {
				continue
			}
			if _, err := step.do(s, ctx, r.ID); err != nil && !errors.Is(err, errSkip) {
				errs = append(errs, fmt.Errorf("sweep: %s %s: %w", step.name, r.ID, err))
			}
			break
		}
	}
	defer s.warnScopeMissing(ctx)
	left, err := s.leftHalfway(ctx, now)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("sweep: list pending requests: %w", err))...)
	}
	for _, l := range left {
		s.log.InfoContext(ctx, "resuming a request left halfway", "request_id", l.r.ID, "state", l.r.State, "step", l.step.name)
		if _, err := l.step.do(s, ctx, l.r); err != nil && !errors.Is(skipConflict(err), errSkip) {
			errs = append(errs, fmt.Errorf("sweep: %s %s: %w", l.step.name, l.r.ID, err))
		}
	}
	if err := s.drawCardsBehind(ctx, now); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// halfway is a request a stopped process left halfway, and the step that finishes it.
type halfway struct {
	r    *Request
	step resumeStep
}

// leftHalfway reads the pending and approved requests one at a time and keeps those untouched
// for a lease that a resume step applies to: a pass over thousands of open requests holds
// only the few left halfway, and acts on them once the read is over.
func (s *Service) leftHalfway(ctx context.Context, now time.Time) ([]halfway, error) {
	var left []halfway
	err := s.store.EachPending(ctx, func(r *Request) error {
		if now.Before(r.UpdatedAt.Add(s.lease)) {
			return nil // its process may still be working on it
		}
		for _, step := range resumeSteps {
			if step.applies(r) {
				left = append(left, halfway{r: r, step: step})
				return nil
			}
		}
		return nil
	})
	return left, err
}

// resumeStep finishes what a process that stopped halfway left: when applies, do it.
type resumeStep struct {
	name    string
	applies func(r *Request) bool
	do      func(s *Service, ctx context.Context, r *Request) (*Request, error)
}

// resumeSteps are tried in order on pending and approved requests untouched for a lease.
var resumeSteps = []resumeStep{
	// Stopped between storing the request and posting its card: nobody can see it to decide.
	// Its card may have been posted: found, it becomes the request's thread (findOrWithdraw).
	{"withdraw", func(r *Request) bool { return r.State == StatePending && r.Thread.TS == "" }, (*Service).findOrWithdraw},
	// Stopped before running a request that needs no approval.
	{"approve", func(r *Request) bool { return r.State == StatePending && r.ApprovalsNeeded == 0 },
		func(s *Service, ctx context.Context, r *Request) (*Request, error) { return s.autoApprove(ctx, r) }},
	// Stopped between the last approval and the claim.
	{"run", func(r *Request) bool { return r.State == StateApproved },
		func(s *Service, ctx context.Context, r *Request) (*Request, error) {
			return s.claimAndRun(ctx, r.ID)
		}},
}

// RunSweeper sweeps at once and then every interval until ctx is done.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.sweepContained(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepContained is Sweep with a panic recovered, logged and counted: the sweeper goes on.
func (s *Service) sweepContained(ctx context.Context) (err error) {
	defer func() {
		if v := recover(); v != nil {
			s.panicked(ctx, "sweep", "", v)
			err = fmt.Errorf("sweep: panic: %v", v)
		}
	}()
	return s.Sweep(ctx)
}

// Wait blocks until every run in flight has finished.
func (s *Service) Wait() { s.runs.Wait() }

// expire moves a pending request past its expiry to expired.
func (s *Service) expire(ctx context.Context, id string) (*Request, error) {
	ctx = logctx.With(ctx, "request_id", id)
	r, err := s.mutate(ctx, id, func(r *Request) ([]Event, error) {
		if !expiredAt(r, s.now()) {
			return nil, errSkip
		}
		r.Outcome = "Expired before it was decided; nothing was changed."
		return recording(move(r, StateExpired), Event{Actor: "system", Kind: "expired", Outcome: string(StateExpired)})
	})
	if err != nil {
		return nil, skipConflict(err)
	}
	s.log.InfoContext(ctx, "request expired", "request_id", id)
	s.tell(ctx, r, Notice{Kind: NoticeExpired, Text: fmt.Sprintf(
		"Expired: it was not decided within %s. Nothing was changed. Make a new request if it is still needed.",
		humanDuration(r.ExpiresAt.Sub(r.CreatedAt)))})
	return r, nil
}

// remind flags a pending request reminded, once, and asks the approvers again.
func (s *Service) remind(ctx context.Context, id string) (*Request, error) {
	ctx = logctx.With(ctx, "request_id", id)
	r, err := s.mutate(ctx, id, func(r *Request) ([]Event, error) {
		if !remindDue(r, s.now()) {
			return nil, errSkip
		}
		r.Reminded = true
		return recording(move(r, StatePending), Event{Actor: "system", Kind: "reminded", Outcome: string(StatePending)})
	})
	if err != nil {
		return nil, skipConflict(err)
	}
	s.log.InfoContext(ctx, "reminder sent", "request_id", id)
	text := fmt.Sprintf("Still waiting for %s.", plural(r.ApprovalsNeeded-len(r.Approvals), "approval"))
	if !r.ExpiresAt.IsZero() {
		text += fmt.Sprintf(" It expires in %s.", humanDuration(r.ExpiresAt.Sub(s.now()).Round(time.Minute)))
	}
	s.tell(ctx, r, Notice{Kind: NoticeReminder, Text: text})
	return r, nil
}

// interrupt marks a run whose lease ran out as interrupted. It is never re-run.
func (s *Service) interrupt(ctx context.Context, id string) (*Request, error) {
	ctx = logctx.With(ctx, "request_id", id)
	var owner string
	r, err := s.mutate(ctx, id, func(r *Request) ([]Event, error) {
		if !leaseOver(r, s.now()) {
			return nil, errSkip
		}
		owner = r.LeaseOwner
		r.Outcome = interruptedText
		r.LeaseUntil = time.Time{}
		return recording(move(r, StateInterrupted),
			Event{Actor: "system", Kind: "interrupted", Outcome: string(StateInterrupted), Detail: "lease of " + owner + " ran out"})
	})
	if err != nil {
		return nil, skipConflict(err)
	}
	s.log.WarnContext(ctx, "run interrupted: its lease ran out", "request_id", id, "owner", owner)
	s.tell(ctx, r, Notice{Kind: NoticeInterrupted, Text: interruptedText})
	return r, nil
}

// skipConflict treats a lost race as work someone else did.
func skipConflict(err error) error {
	if ErrorCode(err) == ECONFLICT {
		return errSkip
	}
	return err
}
