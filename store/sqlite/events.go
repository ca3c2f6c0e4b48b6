package sqlite

import (
	"context"
	"fmt"

	"github.com/resetbot/resetbot/approval"
)

// Append adds an audit event that records no state change.
func (s *DB) Append(ctx context.Context, e approval.Event) error {
	err := s.write(ctx, func(tx *wtx) error { return s.insertEvents(tx, e.RequestID, []approval.Event{e}) })
	if err != nil {
		return fmt.Errorf("sqlite: append event %s for %q: %w", e.Kind, e.RequestID, err)
	}
	return nil
}

// insertEvents adds, in tx, the events of a change to request id (their RequestID set to id
// when empty).
func (s *DB) insertEvents(tx *wtx, id string, events []approval.Event) error {
	if len(events) == 0 {
		return nil
	}
	stmt := tx.stmt(s.st.insertEvent)
	for _, e := range events {
		if e.RequestID == "" {
			e.RequestID = id
		}
		if _, err := stmt.ExecContext(bg, e.RequestID, e.At.UnixNano(), e.Actor, e.Kind, e.Rule, e.Outcome, e.AWSRequestID, e.Detail); err != nil {
			return fmt.Errorf("append event %s: %w", e.Kind, err)
		}
	}
	return nil
}

// Events lists a request's events, oldest first.
func (s *DB) Events(ctx context.Context, requestID string) ([]approval.Event, error) {
	rows, err := s.st.events.QueryContext(ctx, requestID)
	return collect(rows, err, fmt.Sprintf("events for %q", requestID), scanEvent)
}
