package approval

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// maxCASAttempts bounds how often mutate re-reads a request that others keep changing. Every
// conflict means someone else's change went in, so the bound is only reached under a storm.
const maxCASAttempts = 20

// mutate reads the request, lets change decide and edit it, and writes it back as a
// compare-and-swap together with the audit events change returns (one transaction: no state
// without its event, no event without its state), starting over when someone else wrote first.
// change returns an error to stop without writing; mutate then returns that error with the
// request as it read it.
func (s *Service) mutate(ctx context.Context, id string, change func(r *Request) ([]Event, error)) (*Request, error) {
	for range maxCASAttempts {
		r, err := s.store.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read request %s: %w", id, err)
		}
		events, err := change(r)
		if err != nil {
			return r, err
		}
		r.UpdatedAt = s.now()
		for i := range events {
			events[i] = s.eventOf(r, events[i])
		}
		err = s.store.Update(ctx, r, events...)
		if err == nil {
			return r, nil
		}
		if ErrorCode(err) != ECONFLICT {
			return nil, fmt.Errorf("write request %s: %w", id, err)
		}
	}
	return nil, &Error{Code: ECONFLICT, Message: "This request is changing too quickly right now; try again in a moment.",
		Err: fmt.Errorf("request %s: %d compare-and-swap conflicts in a row", id, maxCASAttempts)}
}

// recording is what a change function returns: err when the change is refused, else the
// events that record it.
func recording(err error, events ...Event) ([]Event, error) {
	if err != nil {
		return nil, err
	}
	return events, nil
}

// eventOf fills in what the request knows of an event about it.
func (s *Service) eventOf(r *Request, e Event) Event {
	e.RequestID = r.ID
	if e.Rule == "" {
		e.Rule = r.Rule
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	return e
}

// audit appends an event about a request that records no change of its state (a refused
// approval, a result that could not be recorded).
func (s *Service) audit(ctx context.Context, r *Request, e Event) {
	s.appendEvent(ctx, s.eventOf(r, e))
}

// appendEvent writes an audit event that records no state change. A failure is logged, not
// returned: the workflow has already happened and must still be told to people; the log line
// keeps the event's content.
func (s *Service) appendEvent(ctx context.Context, e Event) {
	if err := s.store.Append(context.WithoutCancel(ctx), e); err != nil {
		s.log.ErrorContext(ctx, "audit event not stored", "request_id", e.RequestID, "kind", e.Kind, "actor", e.Actor,
			"rule", e.Rule, "outcome", e.Outcome, "aws_request_id", e.AWSRequestID, "detail", e.Detail, "err", err)
	}
}

// tell posts a notice in a request's thread. A failure is logged: Slack being down must not
// undo a decision already stored.
func (s *Service) tell(ctx context.Context, r *Request, n Notice) {
	s.awaitThread(ctx, r)
	if err := s.notify.Notify(context.WithoutCancel(ctx), r, n); err != nil {
		s.log.ErrorContext(ctx, "notice not posted", "request_id", r.ID, "kind", n.Kind, "err", err)
	}
}

// threadWait bounds how long a notice waits for its request's card to be posted.
const threadWait = 10 * time.Second

// awaitThread fills in r's thread when a decision came in while its card was still being
// posted: it waits for Submit (in this process) to save the thread, then reads it from the store
// (which also finds a thread saved by another process).
func (s *Service) awaitThread(ctx context.Context, r *Request) {
	if r.Thread.TS != "" {
		return
	}
	if posted, ok := s.posting.Load(r.ID); ok {
		timer := time.NewTimer(threadWait)
		defer timer.Stop()
		select {
		case <-posted.(chan struct{}):
		case <-timer.C:
		case <-ctx.Done():
		}
	}
	if cur, err := s.store.Get(context.WithoutCancel(ctx), r.ID); err == nil {
		r.Thread = cur.Thread
	}
}

// errSkip stops a mutate whose work someone else has already done.
var errSkip = errors.New("nothing to do")
