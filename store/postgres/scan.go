package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
)

// ScanEvents calls fn with each audit event f selects, streaming the rows of one read-only
// transaction (a snapshot that never blocks the bot's writes). An export may outlast the
// statement timeout of the bot's own calls, so the scan has none; the caller's context bounds it.
func (s *DB) ScanEvents(ctx context.Context, f approval.EventFilter, fn func(approval.Event) error) error {
	query, args := eventQuery(f)
	// A broken connection is tried again only until the first event reached fn, which must
	// not see it twice.
	scanned := false
	err := s.retry(ctx, "scan events", func(err error) bool { return !scanned && brokenConn(err) }, func(ctx context.Context) error {
		return s.scanEvents(ctx, query, args, func(e approval.Event) error {
			scanned = true
			return fn(e)
		})
	})
	var st *stopped
	switch {
	case errors.As(err, &st) && errors.Is(st.err, approval.ErrStopScan):
		return nil
	case errors.As(err, &st):
		return st.err
	case err != nil:
		return wrap("scan events", err)
	}
	return nil
}

// scanEvents streams the rows of query to fn in one read-only transaction; an error of fn
// comes back as a *stopped.
func (s *DB) scanEvents(ctx context.Context, query string, args []any, fn func(approval.Event) error) error {
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
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
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
	// A text column of an escaped event (nul.go) is compared with the escaped value; one that
	// holds a NUL byte can only be an escaped event's.
	addText := func(column string, value string) {
		if hasNUL(value) {
			add("escaped AND "+column+" = $%d", escapeText(value))
			return
		}
		args = append(args, value, escapeText(value))
		where = append(where, fmt.Sprintf("%s = CASE WHEN escaped THEN $%d ELSE $%d END", column, len(args), len(args)-1))
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
		args = append(args, plain, escaped)
		where = append(where, fmt.Sprintf("kind = ANY(CASE WHEN escaped THEN $%d::text[] ELSE $%d::text[] END)", len(args), len(args)-1))
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
