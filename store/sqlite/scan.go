package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/internal/reqjson"
)

// ScanEvents calls fn with each audit event f selects, streaming the rows: one read
// transaction, which in WAL mode never blocks the bot's writes.
func (s *DB) ScanEvents(ctx context.Context, f approval.EventFilter, fn func(approval.Event) error) error {
	query, args := eventQuery(f)
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	return scan(rows, err, "scan events", scanEvent, fn)
}

// scan calls fn with each of a query's rows, as read reads it, and closes them; err is the
// query's own. An error of fn ends the scan and is returned as is (approval.ErrStopScan ends
// it without an error); any other is named by what.
func scan[T any](rows *sql.Rows, err error, what string, read func(reqjson.Row) (T, error), fn func(T) error) error {
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		v, err := read(rows)
		if err != nil {
			return fmt.Errorf("sqlite: %s: %w", what, err)
		}
		if err := fn(v); err != nil {
			if errors.Is(err, approval.ErrStopScan) {
				return nil
			}
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}

// collect is scan that lists what read reads.
func collect[T any](rows *sql.Rows, err error, what string, read func(reqjson.Row) (T, error)) ([]T, error) {
	var out []T
	if err := scan(rows, err, what, read, func(v T) error {
		out = append(out, v)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// scanEvent reads the event of a row of eventColumns.
func scanEvent(row reqjson.Row) (approval.Event, error) {
	var (
		e  approval.Event
		at int64
	)
	if err := row.Scan(&e.ID, &e.RequestID, &at, &e.Actor, &e.Kind, &e.Rule, &e.Outcome, &e.AWSRequestID, &e.Detail); err != nil {
		return approval.Event{}, err
	}
	e.At = time.Unix(0, at).UTC()
	return e, nil
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
