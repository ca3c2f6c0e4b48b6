package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// Append adds an audit event that records no state change.
func (s *DB) Append(ctx context.Context, e approval.Event) error {
	if _, err := s.db.ExecContext(ctx, insertEvent, eventArgs(e)...); err != nil {
		return fmt.Errorf("sqlite: append event %s for %q: %w", e.Kind, e.RequestID, err)
	}
	return nil
}

// insertEvent adds one audit event; eventArgs are its arguments.
const insertEvent = `INSERT INTO events
	(request_id, at, actor, kind, rule, outcome, aws_request_id, detail)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

func eventArgs(e approval.Event) []any {
	return []any{e.RequestID, e.At.UnixNano(), e.Actor, e.Kind, e.Rule, e.Outcome, e.AWSRequestID, e.Detail}
}

// insertEvents adds, in tx, the events of a change to request id (their RequestID set to id
// when empty).
func insertEvents(ctx context.Context, tx *sql.Tx, id string, events []approval.Event) error {
	for _, e := range events {
		if e.RequestID == "" {
			e.RequestID = id
		}
		if _, err := tx.ExecContext(ctx, insertEvent, eventArgs(e)...); err != nil {
			return fmt.Errorf("append event %s: %w", e.Kind, err)
		}
	}
	return nil
}

// Events lists a request's events, oldest first.
func (s *DB) Events(ctx context.Context, requestID string) ([]approval.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, request_id, at, actor, kind, rule, outcome, aws_request_id, detail
		FROM events WHERE request_id = ? ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: events for %q: %w", requestID, err)
	}
	defer func() { _ = rows.Close() }()
	var out []approval.Event
	for rows.Next() {
		var (
			e  approval.Event
			at int64
		)
		if err := rows.Scan(&e.ID, &e.RequestID, &at, &e.Actor, &e.Kind, &e.Rule, &e.Outcome, &e.AWSRequestID, &e.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: events for %q: %w", requestID, err)
		}
		e.At = time.Unix(0, at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: events for %q: %w", requestID, err)
	}
	return out, nil
}
