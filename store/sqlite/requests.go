package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// requestColumns are read by every query that returns requests.
const requestColumns = "version, body"

// Create stores a new request with version 1 and its events.
func (s *DB) Create(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.CreateLimited(ctx, r, nil, events...)
}

// CreateLimited stores a new request with version 1 and its events unless one of the limits
// is reached. The counts and the inserts share one immediate transaction: it holds the
// database's write lock from its start, so no other request can be stored between counting
// and storing.
func (s *DB) CreateLimited(ctx context.Context, r *approval.Request, limits []approval.Limit, events ...approval.Event) (err error) {
	body, err := encode(r, 1)
	if err != nil {
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: create request %s: begin: %w", r.ID, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, l := range limits {
		n, err := countLimit(ctx, tx, r, l)
		if err != nil {
			return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
		}
		if n >= l.Max {
			return &approval.LimitError{Limit: l, Count: n}
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO requests
		(id, version, state, requester, pool_id, username, action, created_at, expires_at, remind_at, reminded, lease_until, withdrawn, body)
		VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, string(r.State), r.Requester, r.Pool.ID, r.Target.Username, string(r.Action),
		r.CreatedAt.UnixNano(), nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), r.Withdrawn, body)
	if isUniqueViolation(err) {
		return &approval.Error{Code: approval.ECONFLICT, Message: "A request with this id already exists.", Err: err}
	}
	if err != nil {
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	if err := insertEvents(ctx, tx, r.ID, events); err != nil {
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: create request %s: commit: %w", r.ID, err)
	}
	r.Version = 1
	return nil
}

// countLimit counts, in tx, the requests a limit covers for a new request r.
func countLimit(ctx context.Context, tx *sql.Tx, r *approval.Request, l approval.Limit) (int, error) {
	q, ok := limitQueries[l.Scope]
	if !ok {
		return 0, fmt.Errorf("rate limit of unknown scope %q", l.Scope)
	}
	var n int
	if err := tx.QueryRowContext(ctx, q.query, append(q.args(r), sinceNanos(l.Since))...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count requests per %s: %w", l.Scope, err)
	}
	return n, nil
}

// counted is the condition every count adds: read-only actions and withdrawn requests are
// not counted.
const counted = " AND withdrawn = 0 AND action NOT IN ('" + string(policy.ActionStatus) + "', '" + string(policy.ActionHistory) + "')"

// limitQueries count, per scope, the requests created at or after a time (the last argument).
var limitQueries = map[approval.LimitScope]struct {
	query string
	args  func(r *approval.Request) []any
}{
	approval.LimitRequester: {
		"SELECT count(*) FROM requests WHERE requester = ? AND created_at >= ?" + counted,
		func(r *approval.Request) []any { return []any{r.Requester} },
	},
	approval.LimitTarget: {
		"SELECT count(*) FROM requests WHERE pool_id = ? AND username = ? AND created_at >= ?" + counted,
		func(r *approval.Request) []any { return []any{r.Pool.ID, r.Target.Username} },
	},
}

// Get returns the request with the id.
func (s *DB) Get(ctx context.Context, id string) (*approval.Request, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+requestColumns+" FROM requests WHERE id = ?", id)
	r, err := scanRequest(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get request %s: %w", id, err)
	}
	return r, nil
}

// notFound is the error for a request id the store does not have.
func notFound(id string) error {
	return &approval.Error{Code: approval.ENOTFOUND, Message: "There is no such request.", Err: fmt.Errorf("request %q", id)}
}

// Update writes r and its events if the stored version is still r.Version, and moves r to
// the next version; on a conflict it writes nothing.
func (s *DB) Update(ctx context.Context, r *approval.Request, events ...approval.Event) (err error) {
	next := r.Version + 1
	body, err := encode(r, next)
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: begin: %w", r.ID, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	res, err := tx.ExecContext(ctx, `UPDATE requests SET
		version = ?, state = ?, requester = ?, pool_id = ?, username = ?, action = ?, created_at = ?,
		expires_at = ?, remind_at = ?, reminded = ?, lease_until = ?, withdrawn = ?, body = ?
		WHERE id = ? AND version = ?`,
		next, string(r.State), r.Requester, r.Pool.ID, r.Target.Username, string(r.Action), r.CreatedAt.UnixNano(),
		nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), r.Withdrawn, body,
		r.ID, r.Version)
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	if n != 1 {
		return missingOrStale(ctx, tx, r)
	}
	if err := insertEvents(ctx, tx, r.ID, events); err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: update request %s: commit: %w", r.ID, err)
	}
	r.Version = next
	return nil
}

// missingOrStale is the error of an update that matched no row: requests are never deleted,
// so when the row exists its version has moved on.
func missingOrStale(ctx context.Context, tx *sql.Tx, r *approval.Request) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM requests WHERE id = ?", r.ID).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	if n == 0 {
		return notFound(r.ID)
	}
	return &approval.Error{Code: approval.ECONFLICT, Message: "Someone else changed this request first.",
		Err: fmt.Errorf("request %s: version %d is stale", r.ID, r.Version)}
}

// Due lists the requests the sweeper must look at by now.
func (s *DB) Due(ctx context.Context, now time.Time) ([]*approval.Request, error) {
	n := now.UnixNano()
	return s.query(ctx, "due requests", `SELECT `+requestColumns+` FROM requests
		WHERE (state = ? AND (expires_at <= ? OR (reminded = 0 AND remind_at <= ?)))
		   OR (state = ? AND lease_until <= ?)
		ORDER BY created_at, rowid`,
		string(approval.StatePending), n, n, string(approval.StateRunning), n)
}

// Pending lists every pending and approved request, oldest first.
func (s *DB) Pending(ctx context.Context) ([]*approval.Request, error) {
	return s.query(ctx, "pending requests", `SELECT `+requestColumns+` FROM requests
		WHERE state IN (?, ?) ORDER BY created_at, rowid`,
		string(approval.StatePending), string(approval.StateApproved))
}

// History lists the newest requests for a target user, newest first.
func (s *DB) History(ctx context.Context, poolID, username string, limit int) ([]*approval.Request, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.query(ctx, "history", `SELECT `+requestColumns+` FROM requests
		WHERE pool_id = ? AND username = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
		poolID, username, limit)
}

// CountByRequester counts the requests a requester made since a time, read-only actions and
// withdrawn requests excluded.
func (s *DB) CountByRequester(ctx context.Context, requester string, since time.Time) (int, error) {
	return s.count(ctx, "count by requester", limitQueries[approval.LimitRequester].query, requester, sinceNanos(since))
}

// CountByTarget counts the requests for a target user since a time, read-only actions and
// withdrawn requests excluded.
func (s *DB) CountByTarget(ctx context.Context, poolID, username string, since time.Time) (int, error) {
	return s.count(ctx, "count by target", limitQueries[approval.LimitTarget].query, poolID, username, sinceNanos(since))
}

func (s *DB) count(ctx context.Context, what, query string, args ...any) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return n, nil
}

func (s *DB) query(ctx context.Context, what, query string, args ...any) ([]*approval.Request, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer func() { _ = rows.Close() }()
	var out []*approval.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanRequest(row scanner) (*approval.Request, error) {
	var (
		version int64
		body    string
	)
	if err := row.Scan(&version, &body); err != nil {
		return nil, err
	}
	r := new(approval.Request)
	dec := json.NewDecoder(strings.NewReader(body))
	if err := dec.Decode(r); err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	r.Version = version
	return r, nil
}

// encode is the request's JSON body as it will be stored at version v.
func encode(r *approval.Request, v int64) (string, error) {
	c := *r
	c.Version = v
	b, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("encode request: %w", err)
	}
	return string(b), nil
}

// nanos is t in Unix nanoseconds, or NULL for the zero time.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// sinceNanos is the lower bound of a count in Unix nanoseconds: the zero time counts everything.
func sinceNanos(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
