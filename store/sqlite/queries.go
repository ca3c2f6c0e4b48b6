package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/internal/reqjson"
)

// Get returns the request with the id.
func (s *DB) Get(ctx context.Context, id string) (*approval.Request, error) {
	r, err := reqjson.Scan(s.st.getRequest.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get request %s: %w", id, err)
	}
	return r, nil
}

// Due lists the requests the sweeper must look at by now.
func (s *DB) Due(ctx context.Context, now time.Time) ([]*approval.Request, error) {
	n := now.UnixNano()
	return s.query(ctx, "due requests", s.st.due, string(approval.StatePending), n, n, string(approval.StateRunning), n)
}

// Pending lists every pending and approved request, oldest first.
func (s *DB) Pending(ctx context.Context) ([]*approval.Request, error) {
	return s.query(ctx, "pending requests", s.st.pending)
}

// CardsBehind lists the requests with a thread whose card is behind them and that nobody
// changed since settled, oldest first. The query reads the partial index of cards behind; the
// few rows it finds are filtered by their thread and time here.
func (s *DB) CardsBehind(ctx context.Context, settled time.Time) ([]*approval.Request, error) {
	rs, err := s.query(ctx, "cards behind", s.st.behind)
	return reqjson.Settled(rs, settled), err
}

// EachPending calls fn with each pending and approved request, oldest first, streaming the
// rows of one read transaction, which in WAL mode never blocks the bot's writes.
func (s *DB) EachPending(ctx context.Context, fn func(*approval.Request) error) error {
	rows, err := s.st.pending.QueryContext(ctx)
	return scan(rows, err, "pending requests", reqjson.Scan, fn)
}

// History lists the newest requests for a target user, newest first.
func (s *DB) History(ctx context.Context, poolID, username string, limit int) ([]*approval.Request, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.query(ctx, "history", s.st.history, poolID, username, limit)
}

// CountByRequester counts the requests a requester made since a time, read-only actions and
// withdrawn requests excluded.
func (s *DB) CountByRequester(ctx context.Context, requester string, since time.Time) (int, error) {
	return s.count(ctx, "count by requester", s.st.counts[approval.LimitRequester], requester, sinceNanos(since))
}

// CountByTarget counts the requests for a target user since a time, read-only actions and
// withdrawn requests excluded.
func (s *DB) CountByTarget(ctx context.Context, poolID, username string, since time.Time) (int, error) {
	return s.count(ctx, "count by target", s.st.counts[approval.LimitTarget], poolID, username, sinceNanos(since))
}

func (s *DB) count(ctx context.Context, what string, stmt *sql.Stmt, args ...any) (int, error) {
	var n int
	if err := stmt.QueryRowContext(ctx, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return n, nil
}

func (s *DB) query(ctx context.Context, what string, stmt *sql.Stmt, args ...any) ([]*approval.Request, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	return collect(rows, err, what, reqjson.Scan)
}

// sinceNanos is the lower bound of a count in Unix nanoseconds: the zero time counts everything.
func sinceNanos(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}
