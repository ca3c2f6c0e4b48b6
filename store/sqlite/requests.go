package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/internal/reqjson"
)

// bg is the context of statements inside the writer's transaction (see DB.write).
var bg = context.Background()

// Create stores a new request with version 1 and its events.
func (s *DB) Create(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.CreateLimited(ctx, r, nil, events...)
}

// CreateLimited stores a new request with version 1 and its events unless one of the limits
// is reached. The counts and the inserts run in the one writer's transaction, so no other
// request can be stored between counting and storing.
func (s *DB) CreateLimited(ctx context.Context, r *approval.Request, limits []approval.Limit, events ...approval.Event) error {
	body, err := reqjson.Encode(r, 1)
	if err != nil {
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	err = s.write(ctx, func(tx *wtx) error {
		for _, l := range limits {
			n, err := s.countLimit(tx, r, l)
			if err != nil {
				return err
			}
			if n >= l.Max {
				return &approval.LimitError{Limit: l, Count: n}
			}
		}
		_, err := tx.stmt(s.st.insertRequest).ExecContext(bg,
			r.ID, string(r.State), r.Requester, r.Pool.ID, r.Target.Username, string(r.Action),
			r.CreatedAt.UnixNano(), nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), r.Withdrawn,
			reqjson.Drawn(r, 1, true), body)
		if isUniqueViolation(err) {
			return &approval.Error{Code: approval.ECONFLICT, Message: "A request with this id already exists.", Err: err}
		}
		if err != nil {
			return err
		}
		return s.insertEvents(tx, r.ID, events)
	})
	var le *approval.LimitError
	if errors.As(err, &le) || approval.ErrorCode(err) == approval.ECONFLICT {
		return err
	}
	if err != nil {
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	r.Version = 1
	return nil
}

// countLimit counts, in tx, the requests a limit covers for a new request r.
func (s *DB) countLimit(tx *wtx, r *approval.Request, l approval.Limit) (int, error) {
	stmt, ok := s.st.limits[l.Scope]
	if !ok {
		return 0, fmt.Errorf("rate limit of unknown scope %q", l.Scope)
	}
	var n int
	args := append(limitQueries[l.Scope].args(r), sinceNanos(l.Since))
	if err := tx.stmt(stmt).QueryRowContext(bg, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count requests per %s: %w", l.Scope, err)
	}
	return n, nil
}

// Update writes r and its events if the stored version is still r.Version, and moves r to
// the next version; on a conflict it writes nothing.
func (s *DB) Update(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.UpdateClaiming(ctx, r, approval.Envelope{}, events...)
}

// UpdateDrawn is Update that also sets the drawn version to the version it writes.
func (s *DB) UpdateDrawn(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.update(ctx, r, approval.Envelope{}, true, events)
}

// UpdateClaiming is Update that first claims the envelope e in the same savepoint: an envelope
// claimed before, or a stale version, undoes the claim and writes nothing.
func (s *DB) UpdateClaiming(ctx context.Context, r *approval.Request, e approval.Envelope, events ...approval.Event) error {
	return s.update(ctx, r, e, false, events)
}

// update writes r at its next version as Update does, claiming e first unless it is zero, and
// with the drawn version set to the version it writes when drawn is true.
func (s *DB) update(ctx context.Context, r *approval.Request, e approval.Envelope, drawn bool, events []approval.Event) error {
	next := r.Version + 1
	body, err := reqjson.Encode(r, next)
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	err = s.write(ctx, func(tx *wtx) error {
		if e.ID != "" {
			claimed, err := s.claimIn(tx, e.ID, e.ReceivedAt)
			if err != nil {
				return fmt.Errorf("claim envelope %s: %w", e.ID, err)
			}
			if !claimed {
				return approval.ErrClaimedBefore
			}
		}
		written, err := s.updateIn(tx, r, next, drawn, body)
		if err != nil {
			return err
		}
		if !written {
			return s.missingOrStale(tx, r)
		}
		return s.insertEvents(tx, r.ID, events)
	})
	switch approval.ErrorCode(err) {
	case "":
		r.Version = next
		return nil
	case approval.ECONFLICT, approval.ENOTFOUND:
		return err
	}
	if errors.Is(err, approval.ErrClaimedBefore) {
		return err
	}
	return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
}

// updateIn writes r at version next in tx if the stored version is still r.Version, drawn from
// next when drawnNow is true: false when no row was at it. The columns of the indexes by requester and by user are written only when
// one of them changed (rewriteRequestSQL): SQLite rewrites an index whose column an UPDATE
// sets, whether or not its value changed.
func (s *DB) updateIn(tx *wtx, r *approval.Request, next int64, drawnNow bool, body string) (bool, error) {
	drawn := reqjson.Drawn(r, next, false)
	if drawnNow {
		drawn = &next
	}
	created := r.CreatedAt.UnixNano()
	res, err := tx.stmt(s.st.updateRequest).ExecContext(bg,
		next, string(r.State), nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), drawn, body,
		r.ID, r.Version, r.Requester, r.Pool.ID, r.Target.Username, string(r.Action), created, r.Withdrawn)
	if n, err := rowsWritten(res, err); n == 1 || err != nil {
		return n == 1, err
	}
	res, err = tx.stmt(s.st.rewriteRequest).ExecContext(bg,
		next, string(r.State), r.Requester, r.Pool.ID, r.Target.Username, string(r.Action), created,
		nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), r.Withdrawn, drawn, body,
		r.ID, r.Version)
	n, err := rowsWritten(res, err)
	return n == 1, err
}

// rowsWritten is the count of rows an Exec wrote, or its error.
func rowsWritten(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// MarkDrawn raises the version the request's card was last drawn from to version, never
// lowering it and never past the request's own; nothing else of the request changes.
func (s *DB) MarkDrawn(ctx context.Context, id string, version int64) error {
	err := s.write(ctx, func(tx *wtx) error {
		n, err := rowsWritten(tx.stmt(s.st.markDrawn).ExecContext(bg, version, id))
		if err != nil {
			return err
		}
		if n != 1 {
			return notFound(id)
		}
		return nil
	})
	if err != nil && approval.ErrorCode(err) != approval.ENOTFOUND {
		return fmt.Errorf("sqlite: mark the card of %s drawn: %w", id, err)
	}
	return err
}

// missingOrStale is the error of an update that matched no row: requests are never deleted,
// so when the row exists its version has moved on.
func (s *DB) missingOrStale(tx *wtx, r *approval.Request) error {
	var n int
	if err := tx.stmt(s.st.requestExists).QueryRowContext(bg, r.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound(r.ID)
	}
	return &approval.Error{Code: approval.ECONFLICT, Message: "Someone else changed this request first.",
		Err: fmt.Errorf("request %s: version %d is stale", r.ID, r.Version)}
}

// notFound is the error for a request id the store does not have.
func notFound(id string) error {
	return &approval.Error{Code: approval.ENOTFOUND, Message: "There is no such request.", Err: fmt.Errorf("request %q", id)}
}

// nanos is t in Unix nanoseconds, or NULL for the zero time.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
