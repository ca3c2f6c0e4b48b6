package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// The SQL the store runs, prepared once when it opens.
const (
	insertRequestSQL = `INSERT INTO requests
		(id, version, state, requester, pool_id, username, action, created_at, expires_at, remind_at, reminded, lease_until, withdrawn, drawn_version, body)
		VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// updateRequestSQL writes a request whose requester, user, action, creation time and
	// withdrawn mark are as stored: the columns of the indexes by requester and by user, which
	// SQLite rewrites whenever an UPDATE sets one of their columns, changed value or not. They
	// never change after a request is created (but for a withdrawal), so nearly every update
	// leaves those indexes alone; one that does change them matches no row here and goes
	// through rewriteRequestSQL.
	updateRequestSQL = `UPDATE requests SET
		version = ?, state = ?, expires_at = ?, remind_at = ?, reminded = ?, lease_until = ?,
		drawn_version = coalesce(?, drawn_version), body = ?
		WHERE id = ? AND version = ?
		  AND requester = ? AND pool_id = ? AND username = ? AND action = ? AND created_at = ? AND withdrawn = ?`
	// rewriteRequestSQL writes every column of a request.
	rewriteRequestSQL = `UPDATE requests SET
		version = ?, state = ?, requester = ?, pool_id = ?, username = ?, action = ?, created_at = ?,
		expires_at = ?, remind_at = ?, reminded = ?, lease_until = ?, withdrawn = ?, drawn_version = coalesce(?, drawn_version), body = ?
		WHERE id = ? AND version = ?`
	// markDrawnSQL raises the drawn version, never past the request's own.
	markDrawnSQL     = "UPDATE requests SET drawn_version = max(drawn_version, min(?, version)) WHERE id = ?"
	requestExistsSQL = "SELECT count(*) FROM requests WHERE id = ?"
	insertEventSQL   = `INSERT INTO events
		(request_id, at, actor, kind, rule, outcome, aws_request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	purgeEnvelopesSQL = "DELETE FROM envelopes WHERE claimed_at < ?"
	// claimEnvelopeSQL claims an envelope id at a time: the insert of a new id wins, and so
	// does a claim of an id whose claim is older than the third argument; any other writes
	// nothing.
	claimEnvelopeSQL = `INSERT INTO envelopes (id, claimed_at) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET claimed_at = excluded.claimed_at WHERE claimed_at < ?`

	// requestColumns are read by every query that returns requests.
	requestColumns = "version, body"
	getRequestSQL  = "SELECT " + requestColumns + " FROM requests WHERE id = ?"
	eventColumns   = "id, request_id, at, actor, kind, rule, outcome, aws_request_id, detail"
	eventsSQL      = "SELECT " + eventColumns + " FROM events WHERE request_id = ? ORDER BY id"
	dueSQL         = `SELECT ` + requestColumns + ` FROM requests
		WHERE (state = ? AND (expires_at <= ? OR (reminded = 0 AND remind_at <= ?)))
		   OR (state = ? AND lease_until <= ?)
		ORDER BY created_at, rowid`
	// pendingSQL's condition is the predicate of the partial index requests_open, written
	// the same. The index is named: by the state alone, SQLite would search requests_by_state
	// for each of the two states and sort every open request in memory.
	pendingSQL = `SELECT ` + requestColumns + ` FROM requests INDEXED BY requests_open
		WHERE state IN ('` + string(approval.StatePending) + `', '` + string(approval.StateApproved) + `') ORDER BY created_at, rowid`
	// behindSQL's condition is the predicate of the partial index requests_behind, which
	// holds only these rows.
	behindSQL = `SELECT ` + requestColumns + ` FROM requests
		WHERE drawn_version < version ORDER BY created_at, rowid`
	historySQL = `SELECT ` + requestColumns + ` FROM requests
		WHERE pool_id = ? AND username = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`
	pingSQL = "SELECT beats FROM heartbeat WHERE id = 1"

	// counted is the condition every count adds: read-only actions and withdrawn requests are
	// not counted.
	counted           = " AND withdrawn = 0 AND action NOT IN ('" + string(policy.ActionStatus) + "', '" + string(policy.ActionHistory) + "')"
	countRequesterSQL = "SELECT count(*) FROM requests WHERE requester = ? AND created_at >= ?" + counted
	countTargetSQL    = "SELECT count(*) FROM requests WHERE pool_id = ? AND username = ? AND created_at >= ?" + counted
	// countOpenSQL counts a requester's open requests for one action on one user. A pending
	// request past its expiry (the third argument) is as good as expired: the sweeper is about
	// to say so. It searches by the user, who has few requests, not by the requester, who may
	// have thousands (the + keeps the requester's index out of the plan).
	countOpenSQL = "SELECT count(*) FROM requests WHERE +requester = ? AND pool_id = ? AND username = ? AND action = ?" +
		" AND state IN ('" + string(approval.StatePending) + "', '" + string(approval.StateApproved) + "', '" + string(approval.StateRunning) + "')" +
		" AND (state != '" + string(approval.StatePending) + "' OR expires_at IS NULL OR expires_at > ?) AND created_at >= ?" + counted
)

// statements are the store's prepared statements: those that write on the writer's one
// connection, those that read on the read pool (prepared on each connection as it is used).
type statements struct {
	savepoint, rollbackTo, release                          *sql.Stmt
	insertRequest, updateRequest, rewriteRequest            *sql.Stmt
	requestExists, insertEvent                              *sql.Stmt
	purgeEnvelopes, claimEnvelope, markDrawn                *sql.Stmt
	limits                                                  map[approval.LimitScope]*sql.Stmt // on the writer, for CreateLimited
	getRequest, events, due, pending, behind, history, ping *sql.Stmt
	counts                                                  map[approval.LimitScope]*sql.Stmt // on the read pool
}

// limitQueries count, per scope, the requests created at or after a time (the last argument).
var limitQueries = map[approval.LimitScope]struct {
	query string
	args  func(r *approval.Request) []any
}{
	approval.LimitRequester: {countRequesterSQL, func(r *approval.Request) []any { return []any{r.Requester} }},
	approval.LimitTarget:    {countTargetSQL, func(r *approval.Request) []any { return []any{r.Pool.ID, r.Target.Username} }},
	approval.LimitOpen: {countOpenSQL, func(r *approval.Request) []any {
		return []any{r.Requester, r.Pool.ID, r.Target.Username, string(r.Action), r.CreatedAt.UnixNano()}
	}},
}

// prepare prepares every statement, the writes on w and the reads on r.
func prepare(ctx context.Context, w, r *sql.DB) (*statements, error) {
	st := &statements{limits: map[approval.LimitScope]*sql.Stmt{}, counts: map[approval.LimitScope]*sql.Stmt{}}
	var errs []error
	p := func(db *sql.DB, query string) *sql.Stmt {
		stmt, err := db.PrepareContext(ctx, query)
		if err != nil {
			errs = append(errs, fmt.Errorf("prepare %.40q: %w", query, err))
		}
		return stmt
	}
	st.savepoint, st.rollbackTo, st.release = p(w, "SAVEPOINT write"), p(w, "ROLLBACK TO write"), p(w, "RELEASE write")
	st.insertRequest, st.updateRequest, st.rewriteRequest = p(w, insertRequestSQL), p(w, updateRequestSQL), p(w, rewriteRequestSQL)
	st.requestExists = p(w, requestExistsSQL)
	st.insertEvent, st.purgeEnvelopes, st.claimEnvelope = p(w, insertEventSQL), p(w, purgeEnvelopesSQL), p(w, claimEnvelopeSQL)
	st.markDrawn, st.behind = p(w, markDrawnSQL), p(r, behindSQL)
	st.getRequest, st.events, st.due, st.pending, st.history = p(r, getRequestSQL), p(r, eventsSQL), p(r, dueSQL), p(r, pendingSQL), p(r, historySQL)
	st.ping = p(r, pingSQL)
	for scope, q := range limitQueries {
		st.limits[scope], st.counts[scope] = p(w, q.query), p(r, q.query)
	}
	if err := errors.Join(errs...); err != nil {
		st.close()
		return nil, err
	}
	return st, nil
}

// close closes every prepared statement.
func (st *statements) close() {
	all := []*sql.Stmt{st.savepoint, st.rollbackTo, st.release, st.insertRequest, st.updateRequest, st.rewriteRequest, st.requestExists,
		st.insertEvent, st.purgeEnvelopes, st.claimEnvelope, st.markDrawn, st.getRequest, st.events, st.due, st.pending,
		st.behind, st.history, st.ping}
	for _, m := range []map[approval.LimitScope]*sql.Stmt{st.limits, st.counts} {
		for _, stmt := range m {
			all = append(all, stmt)
		}
	}
	for _, stmt := range all {
		if stmt != nil {
			_ = stmt.Close()
		}
	}
}
