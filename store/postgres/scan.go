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
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
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
	if !f.Since.IsZero() {
		add("at >= $%d", f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		add("at < $%d", f.Until.UnixNano())
	}
	if f.Actor != "" {
		add("actor = $%d", f.Actor)
	}
	if f.Outcome != "" {
		add("outcome = $%d", f.Outcome)
	}
	if len(f.Kinds) > 0 {
		add("kind = ANY($%d::text[])", f.Kinds)
	}
	q := "SELECT id, request_id, at, actor, kind, rule, outcome, aws_request_id, detail FROM events"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.NewestFirst {
		return q + " ORDER BY id DESC", args
	}
	return q + " ORDER BY id", args
}
