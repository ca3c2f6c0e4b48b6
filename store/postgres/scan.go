package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/internal/reqjson"
)

// ScanEvents calls fn with each audit event f selects, streaming the rows of one read-only
// transaction.
func (s *DB) ScanEvents(ctx context.Context, f approval.EventFilter, fn func(approval.Event) error) error {
	query, args := eventQuery(f)
	return scan(ctx, s, "scan events", query, args, scanEvent, fn)
}

// EachPending calls fn with each pending and approved request, oldest first, streaming the
// rows of one read-only transaction.
func (s *DB) EachPending(ctx context.Context, fn func(*approval.Request) error) error {
	return scan(ctx, s, "pending requests", pendingSQL, nil,
		func(row pgx.CollectableRow) (*approval.Request, error) { return reqjson.Scan(row) }, fn)
}

// scan calls fn with each row of query, read by read, streaming the rows of one read-only
// transaction. A broken connection is tried again only until the first row reached fn, which
// must not see it twice. An error of fn ends the scan and is returned as is (ErrStopScan
// ends it without an error).
func scan[T any](ctx context.Context, s *DB, what, query string, args []any, read func(pgx.CollectableRow) (T, error), fn func(T) error) error {
	scanned := false
	err := s.retry(ctx, what, func(err error) bool { return !scanned && brokenConn(err) }, func(ctx context.Context) error {
		return scanRows(ctx, s, query, args, read, func(v T) error {
			scanned = true
			return fn(v)
		})
	})
	var st *stopped
	switch {
	case errors.As(err, &st) && errors.Is(st.err, approval.ErrStopScan):
		return nil
	case errors.As(err, &st):
		return st.err
	case err != nil:
		return wrap(what, err)
	}
	return nil
}

// scanRows streams the rows of query to fn in one read-only transaction; an error of fn
// comes back as a *stopped.
func scanRows[T any](ctx context.Context, s *DB, query string, args []any, read func(pgx.CollectableRow) (T, error), fn func(T) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := read(rows)
			if err != nil {
				return err
			}
			if err := fn(v); err != nil {
				return &stopped{err}
			}
		}
		return rows.Err()
	})
}

// stopped carries fn's error out of the transaction untouched.
type stopped struct{ err error }

func (s *stopped) Error() string { return s.err.Error() }

// eventQuery is the SELECT of the events f selects, and its arguments.
func eventQuery(f approval.EventFilter) (string, []any) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	// A text column of an escaped event (nul.go) holds the escaped value. A value that escapes
	// to itself (no backslash, no NUL: every Slack id and kind) is compared as it is, which
	// matches an escaped event exactly when it was written with that value, and lets the
	// column's index serve the filter; one that holds a NUL byte can only be an escaped
	// event's; any other is compared with each kind of event's form of it.
	addText := func(column string, value string) {
		escaped := escapeText(value)
		switch {
		case hasNUL(value):
			add("escaped AND "+column+" = $%d", escaped)
		case escaped == value:
			add(column+" = $%d", value)
		default:
			args = append(args, value, escaped)
			where = append(where, fmt.Sprintf("(%[1]s = $%[2]d AND NOT escaped OR %[1]s = $%[3]d AND escaped)", column, len(args)-1, len(args)))
		}
	}
	if !f.Since.IsZero() {
		add("at >= $%d", f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		add("at < $%d", f.Until.UnixNano())
	}
	if f.Actor != "" {
		addText("actor", f.Actor)
	}
	if f.Outcome != "" {
		addText("outcome", f.Outcome)
	}
	if len(f.Kinds) > 0 {
		var plain, escaped []string
		for _, k := range f.Kinds {
			if !hasNUL(k) {
				plain = append(plain, k)
			}
			escaped = append(escaped, escapeText(k))
		}
		if slices.Equal(plain, escaped) {
			add("kind = ANY($%d::text[])", plain)
		} else {
			args = append(args, plain, escaped)
			where = append(where, fmt.Sprintf("kind = ANY(CASE WHEN escaped THEN $%d::text[] ELSE $%d::text[] END)", len(args), len(args)-1))
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
