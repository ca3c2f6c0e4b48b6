package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/store/internal/reqjson"
)

// requestColumns are read by every query that returns requests.
const requestColumns = "version, body"

// insertRequest stores a request at version 1 ($1..$13, $14 its drawn version) and, in the same
// statement, its events (from $15 on, see eventsFrom).
var insertRequest = `WITH r AS (
	INSERT INTO requests
		(id, version, state, requester, pool_id, username, action, created_at, expires_at, remind_at, reminded, lease_until, withdrawn, body, drawn_version)
		VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
	RETURNING id
), e AS (` + eventsFrom(15, "r") + `)
SELECT count(*) FROM r`

// Create stores a new request with version 1, and its events, in one statement.
func (s *DB) Create(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.CreateLimited(ctx, r, nil, events...)
}

// CreateLimited stores a new request with version 1 and its events unless one of the limits is
// reached. The counts and the insert share one transaction, which first takes an advisory lock
// per limit key (the requester, the target user): a second replica creating a request under
// the same key waits for the first to commit, then counts its request too.
func (s *DB) CreateLimited(ctx context.Context, r *approval.Request, limits []approval.Limit, events ...approval.Event) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	args, err := requestArgs(r, events)
	if err != nil {
		return fmt.Errorf("postgres: create request %s: %w", r.ID, err)
	}
	err = s.retryWrite(ctx, "create request", func(ctx context.Context) error {
		if len(limits) == 0 {
			_, err := s.pool.Exec(ctx, insertRequest, args...)
			return err
		}
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if err := lockLimits(ctx, tx, r, limits); err != nil {
				return err
			}
			for _, l := range limits {
				n, err := countLimit(ctx, tx, r, l)
				if err != nil {
					return err
				}
				if n >= l.Max {
					return &approval.LimitError{Limit: l, Count: n}
				}
			}
			_, err := tx.Exec(ctx, insertRequest, args...)
			return err
		})
	})
	var le *approval.LimitError
	switch {
	case errors.As(err, &le):
		return le
	case isUniqueViolation(err):
		return &approval.Error{Code: approval.ECONFLICT, Message: "A request with this id already exists.", Err: err}
	case err != nil:
		return wrap("create request "+r.ID, err)
	}
	r.Version = 1
	return nil
}

// requestArgs are insertRequest's arguments.
func requestArgs(r *approval.Request, events []approval.Event) ([]any, error) {
	body, err := reqjson.Encode(r, 1)
	if err != nil {
		return nil, err
	}
	args := []any{r.ID, string(r.State), r.Requester, r.Pool.ID, r.Target.Username, string(r.Action),
		r.CreatedAt.UnixNano(), nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), r.Withdrawn, body,
		reqjson.Drawn(r, 1, true)}
	return append(args, eventArgs(r.ID, events)...), nil
}

// limitLockClass is the first key of the advisory locks on rate-limit keys.
const limitLockClass = "resetbot-limit"

// lockLimits takes, in tx, an advisory lock on each key the limits count by, in one order so
// that two transactions never wait for each other.
func lockLimits(ctx context.Context, tx pgx.Tx, r *approval.Request, limits []approval.Limit) error {
	var keys []string
	for _, l := range limits {
		q, ok := limitQueries[l.Scope]
		if !ok {
			return fmt.Errorf("rate limit of unknown scope %q", l.Scope)
		}
		keys = append(keys, q.key(r))
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", limitLockClass+"\x1f"+k); err != nil {
			return fmt.Errorf("lock rate limit: %w", err)
		}
	}
	return nil
}

// countLimit counts, in tx, the requests a limit covers for a new request r.
func countLimit(ctx context.Context, tx pgx.Tx, r *approval.Request, l approval.Limit) (int, error) {
	q := limitQueries[l.Scope]
	var n int
	if err := tx.QueryRow(ctx, q.query, append(q.args(r), sinceNanos(l.Since))...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count requests per %s: %w", l.Scope, err)
	}
	return n, nil
}

// counted is the condition every count adds: read-only actions and withdrawn requests are
// not counted.
const counted = " AND NOT withdrawn AND action NOT IN ('" + string(policy.ActionStatus) + "', '" + string(policy.ActionHistory) + "')"

// limitQueries count, per scope, the requests created at or after a time (the last argument);
// key names what a limit of the scope counts by, for its lock.
var limitQueries = map[approval.LimitScope]struct {
	query string
	args  func(r *approval.Request) []any
	key   func(r *approval.Request) string
}{
	approval.LimitRequester: {
		"SELECT count(*) FROM requests WHERE requester = $1 AND created_at >= $2" + counted,
		func(r *approval.Request) []any { return []any{r.Requester} },
		func(r *approval.Request) string { return "requester\x1f" + r.Requester },
	},
	approval.LimitTarget: {
		"SELECT count(*) FROM requests WHERE pool_id = $1 AND username = $2 AND created_at >= $3" + counted,
		func(r *approval.Request) []any { return []any{r.Pool.ID, r.Target.Username} },
		func(r *approval.Request) string { return "target\x1f" + r.Pool.ID + "\x1f" + r.Target.Username },
	},
	// A pending request past its expiry (the fifth argument) is as good as expired: the
	// sweeper is about to say so.
	approval.LimitOpen: {
		"SELECT count(*) FROM requests WHERE requester = $1 AND pool_id = $2 AND username = $3 AND action = $4" +
			" AND state IN ('" + string(approval.StatePending) + "', '" + string(approval.StateApproved) + "', '" + string(approval.StateRunning) + "')" +
			" AND (state != '" + string(approval.StatePending) + "' OR expires_at IS NULL OR expires_at > $5) AND created_at >= $6" + counted,
		func(r *approval.Request) []any {
			return []any{r.Requester, r.Pool.ID, r.Target.Username, string(r.Action), r.CreatedAt.UnixNano()}
		},
		func(r *approval.Request) string {
			return "open\x1f" + r.Requester + "\x1f" + r.Pool.ID + "\x1f" + r.Target.Username + "\x1f" + string(r.Action)
		},
	},
}

// Get returns the request with the id.
func (s *DB) Get(ctx context.Context, id string) (*approval.Request, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var r *approval.Request
	err := s.retryRead(ctx, "get request", func(ctx context.Context) (err error) {
		r, err = reqjson.Scan(s.pool.QueryRow(ctx, "SELECT "+requestColumns+" FROM requests WHERE id = $1", id))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, wrap("get request "+id, err)
	}
	return r, nil
}

// updateRequest writes a request at version $14 if it is still at $15 ($1..$13 as
// insertRequest's, $1 the id; $16 its drawn version, NULL to keep it) and, only then, its
// events (from $17 on).
var updateRequest = `WITH u AS (
	UPDATE requests SET
		state = $2, requester = $3, pool_id = $4, username = $5, action = $6, created_at = $7,
		expires_at = $8, remind_at = $9, reminded = $10, lease_until = $11, withdrawn = $12, body = $13, version = $14,
		drawn_version = coalesce($16, drawn_version)
	WHERE id = $1 AND version = $15
	RETURNING id
), e AS (` + eventsFrom(17, "u") + `)
SELECT count(*) FROM u`

// Update writes r and its events if the stored version is still r.Version, and moves r to the
// next version; otherwise it writes nothing.
func (s *DB) Update(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.UpdateClaiming(ctx, r, approval.Envelope{}, events...)
}

// UpdateDrawn is Update that also sets the drawn version to the version it writes.
func (s *DB) UpdateDrawn(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return s.update(ctx, r, approval.Envelope{}, true, events)
}

// errStale undoes a claiming update's transaction whose request was not at its version.
var errStale = errors.New("stale version")

// UpdateClaiming is Update that first claims the envelope e in the same transaction: an
// envelope claimed before, or a stale version, rolls the claim back and writes nothing.
func (s *DB) UpdateClaiming(ctx context.Context, r *approval.Request, e approval.Envelope, events ...approval.Event) error {
	return s.update(ctx, r, e, false, events)
}

// update writes r at its next version as Update does, claiming e first unless it is zero, and
// with the drawn version set to the version it writes when drawn is true.
func (s *DB) update(ctx context.Context, r *approval.Request, e approval.Envelope, drawn bool, events []approval.Event) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	next := r.Version + 1
	body, err := reqjson.Encode(r, next)
	if err != nil {
		return fmt.Errorf("postgres: update request %s: %w", r.ID, err)
	}
	drawnAt := reqjson.Drawn(r, next, false)
	if drawn {
		drawnAt = &next
	}
	args := []any{r.ID, string(r.State), r.Requester, r.Pool.ID, r.Target.Username, string(r.Action),
		r.CreatedAt.UnixNano(), nanos(r.ExpiresAt), nanos(r.RemindAt), r.Reminded, nanos(r.LeaseUntil), r.Withdrawn, body,
		next, r.Version, drawnAt}
	args = append(args, eventArgs(r.ID, events)...)
	var n int
	err = s.retryWrite(ctx, "update request", func(ctx context.Context) error {
		if e.ID == "" {
			return s.pool.QueryRow(ctx, updateRequest, args...).Scan(&n)
		}
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			won, err := claimIn(ctx, tx, e.ID, e.ReceivedAt)
			if err != nil {
				return err
			}
			if !won {
				return approval.ErrClaimedBefore
			}
			if err := tx.QueryRow(ctx, updateRequest, args...).Scan(&n); err != nil {
				return err
			}
			if n != 1 {
				return errStale
			}
			return nil
		})
	})
	switch {
	case errors.Is(err, approval.ErrClaimedBefore):
		return err
	case err != nil && !errors.Is(err, errStale):
		return wrap("update request "+r.ID, err)
	}
	if e.ID != "" && n == 1 {
		s.purgeClaims(ctx, e.ReceivedAt)
	}
	if n == 1 {
		r.Version = next
		return nil
	}
	// Requests are never deleted: when the row exists, its version has moved on.
	if _, err := s.Get(ctx, r.ID); err != nil {
		return err
	}
	return &approval.Error{Code: approval.ECONFLICT, Message: "Someone else changed this request first.",
		Err: fmt.Errorf("request %s: version %d is stale", r.ID, r.Version)}
}

// MarkDrawn raises the version the request's card was last drawn from to version, never
// lowering it and never past the request's own; nothing else of the request changes. It takes
// the row's lock for a moment, as an Update does, and never makes an Update conflict.
func (s *DB) MarkDrawn(ctx context.Context, id string, version int64) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var n int64
	if err := s.retryWrite(ctx, "mark the card drawn", func(ctx context.Context) error {
		tag, err := s.pool.Exec(ctx, markDrawnSQL, id, version)
		n = tag.RowsAffected()
		return err
	}); err != nil {
		return wrap("mark the card of "+id+" drawn", err)
	}
	if n != 1 {
		return notFound(id)
	}
	return nil
}

// notFound is the error for a request id the store does not have.
func notFound(id string) error {
	return &approval.Error{Code: approval.ENOTFOUND, Message: "There is no such request.", Err: fmt.Errorf("request %q", id)}
}

// markDrawnSQL raises the drawn version of request $1 to $2, never past its version.
const markDrawnSQL = `UPDATE requests SET drawn_version = GREATEST(drawn_version, LEAST($2, version)) WHERE id = $1`

// CardsBehind lists the requests with a thread whose card is behind them and that nobody
// changed since settled, oldest first. The query reads the partial index of cards behind; the
// few rows it finds are filtered by their thread and time here.
func (s *DB) CardsBehind(ctx context.Context, settled time.Time) ([]*approval.Request, error) {
	rs, err := s.query(ctx, "cards behind", behindSQL)
	return reqjson.Settled(rs, settled), err
}

// behindSQL's condition is the predicate of the partial index requests_behind, which holds only
// these rows.
const behindSQL = `SELECT ` + requestColumns + ` FROM requests WHERE drawn_version < version ORDER BY created_at, seq`

// Due lists the requests the sweeper must look at by now.
func (s *DB) Due(ctx context.Context, now time.Time) ([]*approval.Request, error) {
	n := now.UnixNano()
	return s.query(ctx, "due requests", `SELECT `+requestColumns+` FROM requests
		WHERE (state = $1 AND (expires_at <= $2 OR (NOT reminded AND remind_at <= $2)))
		   OR (state = $3 AND lease_until <= $2)
		ORDER BY created_at, seq`,
		string(approval.StatePending), n, string(approval.StateRunning))
}

// Pending lists every pending and approved request, oldest first.
func (s *DB) Pending(ctx context.Context) ([]*approval.Request, error) {
	return s.query(ctx, "pending requests", pendingSQL)
}

// pendingSQL selects the pending and approved requests, oldest first. Its condition is the
// predicate of the partial index requests_open, written the same with the states inline (a
// parameter would hide from the planner that the index holds every row the query wants), and
// its order is the index's.
const pendingSQL = `SELECT ` + requestColumns + ` FROM requests
	WHERE state IN ('` + string(approval.StatePending) + `', '` + string(approval.StateApproved) + `') ORDER BY created_at, seq`

// History lists the newest requests for a target user, newest first.
func (s *DB) History(ctx context.Context, poolID, username string, limit int) ([]*approval.Request, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.query(ctx, "history", `SELECT `+requestColumns+` FROM requests
		WHERE pool_id = $1 AND username = $2 ORDER BY created_at DESC, seq DESC LIMIT $3`,
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
	ctx, cancel := s.op(ctx)
	defer cancel()
	var n int
	if err := s.retryRead(ctx, what, func(ctx context.Context) error {
		return s.pool.QueryRow(ctx, query, args...).Scan(&n)
	}); err != nil {
		return 0, wrap(what, err)
	}
	return n, nil
}

func (s *DB) query(ctx context.Context, what, query string, args ...any) ([]*approval.Request, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var out []*approval.Request
	err := s.retryRead(ctx, what, func(ctx context.Context) error {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (*approval.Request, error) { return reqjson.Scan(row) })
		return err
	})
	if err != nil {
		return nil, wrap(what, err)
	}
	return out, nil
}

// nanos is t in Unix nanoseconds, or NULL for the zero time.
func nanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// sinceNanos is the lower bound of a count in Unix nanoseconds: the zero time counts everything.
func sinceNanos(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}
