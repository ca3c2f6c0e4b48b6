package approval

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// PanicObserver is an optional part of an Observer: it counts panics the workflow recovered
// from, by where they happened ("run", "sweep").
type PanicObserver interface {
	Panicked(where string)
}

// panicked logs a recovered panic with its stack and counts it. The process keeps serving.
// requestID is the request it happened on, "" for none.
func (s *Service) panicked(ctx context.Context, where, requestID string, v any) {
	s.log.ErrorContext(ctx, "panic recovered", "where", where, "request_id", requestID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if po, ok := s.obs.(PanicObserver); ok {
		po.Panicked(where)
	}
}

// panicText is the outcome of a run cut off by a panic: like an interrupted run, it may or
// may not have happened.
const panicText = "The run stopped on an internal error of the bot before its result was known. It may or may not have " +
	"happened in Cognito, and it will not be retried. Next step: check the user's status, then make a new request if it is still needed."

// interruptAfterPanic marks a run that panicked interrupted at once, rather than leaving it
// running until its lease runs out, and tells the thread.
func (s *Service) interruptAfterPanic(ctx context.Context, id string) {
	r, err := s.mutate(ctx, id, func(r *Request) ([]Event, error) {
		if r.State != StateRunning || r.LeaseOwner != s.owner {
			return nil, errSkip
		}
		r.Outcome, r.ErrorCode, r.LeaseUntil = panicText, EINTERNAL, time.Time{}
		return recording(move(r, StateInterrupted), Event{Actor: "system", Kind: "interrupted", Outcome: string(StateInterrupted), Detail: "panic"})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "marking a run that panicked interrupted failed; the sweeper will when its lease runs out", "request_id", id, "err", err)
		return
	}
	s.tell(ctx, r, Notice{Kind: NoticeInterrupted, Text: panicText})
}
