package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
)

// eventsFrom is an INSERT of events whose columns come as eight arrays from parameter $first
// on (eventArgs), written only when the table named guard (a CTE of the same statement) has a
// row: the state change they record. Their ids follow the arrays' order.
func eventsFrom(first int, guard string) string {
	p := make([]string, 8)
	types := []string{"text", "bigint", "text", "text", "text", "text", "text", "text"}
	for i := range p {
		p[i] = fmt.Sprintf("$%d::%s[]", first+i, types[i])
	}
	return `INSERT INTO events (request_id, at, actor, kind, rule, outcome, aws_request_id, detail)
	SELECT e.request_id, e.at, e.actor, e.kind, e.rule, e.outcome, e.aws_request_id, e.detail
	FROM unnest(` + strings.Join(p, ", ") + `) WITH ORDINALITY
		AS e(request_id, at, actor, kind, rule, outcome, aws_request_id, detail, n)
	WHERE EXISTS (SELECT 1 FROM ` + guard + `)
	ORDER BY e.n`
}

// eventArgs are eventsFrom's eight arrays; an event with no RequestID gets requestID.
func eventArgs(requestID string, events []approval.Event) []any {
	var (
		ids, actors, kinds, rules, outcomes, awsIDs, details []string
		ats                                                  []int64
	)
	for _, e := range events {
		if e.RequestID == "" {
			e.RequestID = requestID
		}
		ids = append(ids, text(e.RequestID))
		ats = append(ats, e.At.UnixNano())
		actors = append(actors, text(e.Actor))
		kinds = append(kinds, text(e.Kind))
		rules = append(rules, text(e.Rule))
		outcomes = append(outcomes, text(e.Outcome))
		awsIDs = append(awsIDs, text(e.AWSRequestID))
		details = append(details, text(e.Detail))
	}
	return []any{ids, ats, actors, kinds, rules, outcomes, awsIDs, details}
}

// text makes s storable: PostgreSQL's text holds no NUL byte, which a person can type into a
// reason that an event quotes. It becomes U+FFFD, as invalid input does elsewhere.
func text(s string) string { return strings.ReplaceAll(s, "\x00", "\uFFFD") }

// always is a guard table with one row, for events that record no state change.
const always = "(SELECT 1) AS always"

// appendEvent is an INSERT of one event ($1..$8) with no state change.
var appendEvent = eventsFrom(1, always)

// Append adds an audit event that records no state change.
func (s *DB) Append(ctx context.Context, e approval.Event) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	if _, err := s.pool.Exec(ctx, appendEvent, eventArgs(e.RequestID, []approval.Event{e})...); err != nil {
		return wrap(fmt.Sprintf("append event %s for %q", e.Kind, e.RequestID), err)
	}
	return nil
}

// Events lists a request's events, oldest first.
func (s *DB) Events(ctx context.Context, requestID string) ([]approval.Event, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT id, request_id, at, actor, kind, rule, outcome, aws_request_id, detail
		FROM events WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, wrap(fmt.Sprintf("events for %q", requestID), err)
	}
	out, err := pgx.CollectRows(rows, scanEvent)
	if err != nil {
		return nil, wrap(fmt.Sprintf("events for %q", requestID), err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func scanEvent(row pgx.CollectableRow) (approval.Event, error) {
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
