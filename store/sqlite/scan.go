package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// ScanEvents calls fn with each audit event f selects, streaming the rows: one read
// transaction, which in WAL mode never blocks the bot's writes.
func (s *DB) ScanEvents(ctx context.Context, f approval.EventFilter, fn func(approval.Event) error) error {
	query, args := eventQuery(f)
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: scan events: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			e  approval.Event
			at int64
		)
		if err := rows.Scan(&e.ID, &e.RequestID, &at, &e.Actor, &e.Kind, &e.Rule, &e.Outcome, &e.AWSRequestID, &e.Detail); err != nil {
			return fmt.Errorf("sqlite: scan events: %w", err)
		}
		e.At = time.Unix(0, at).UTC()
		if err := fn(e); err != nil {
			if errors.Is(err, approval.ErrStopScan) {
				return nil
			}
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: scan events: %w", err)
	}
	return nil
}

// eventQuery is the SELECT of the events f selects, and its arguments.
func eventQuery(f approval.EventFilter) (string, []any) {
	var (
		where []string
		args  []any
	)
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.Until.UnixNano())
	}
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Outcome != "" {
		where, args = append(where, "outcome = ?"), append(args, f.Outcome)
	}
	if len(f.Kinds) > 0 {
		where = append(where, "kind IN (?"+strings.Repeat(", ?", len(f.Kinds)-1)+")")
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	q := "SELECT " + eventColumns + " FROM events"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.NewestFirst {
		return q + " ORDER BY id DESC", args
	}
	return q + " ORDER BY id", args
}
