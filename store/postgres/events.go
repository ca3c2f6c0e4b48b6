package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
)

// eventsFrom is an INSERT of events whose columns come as nine arrays from parameter $first
// on (eventArgs), written only when the table named guard (a CTE of the same statement) has a
// row: the state change they record. Their ids follow the arrays' order.
func eventsFrom(first int, guard string) string {
	types := []string{"text", "bigint", "text", "text", "text", "text", "text", "text", "boolean"}
	p := make([]string, len(types))
	for i := range p {
		p[i] = fmt.Sprintf("$%d::%s[]", first+i, types[i])
	}
	return `INSERT INTO events (request_id, at, actor, kind, rule, outcome, aws_request_id, detail, escaped)
	SELECT e.request_id, e.at, e.actor, e.kind, e.rule, e.outcome, e.aws_request_id, e.detail, e.escaped
	FROM unnest(` + strings.Join(p, ", ") + `) WITH ORDINALITY
		AS e(request_id, at, actor, kind, rule, outcome, aws_request_id, detail, escaped, n)
	WHERE EXISTS (SELECT 1 FROM ` + guard + `)
	ORDER BY e.n`
}

// eventArgs are eventsFrom's nine arrays; an event with no RequestID gets requestID. An event
// whose text holds a NUL byte has all of it escaped (nul.go).
func eventArgs(requestID string, events []approval.Event) []any {
	var (
		ids, actors, kinds, rules, outcomes, awsIDs, details []string
		ats                                                  []int64
		escaped                                              []bool
	)
	for _, e := range events {
		if e.RequestID == "" {
			e.RequestID = requestID
		}
		esc := hasNUL(e.RequestID, e.Actor, e.Kind, e.Rule, e.Outcome, e.AWSRequestID, e.Detail)
		text := func(s string) string {
			if esc {
				return escapeText(s)
			}
			return s
		}
		ids = append(ids, text(e.RequestID))
		ats = append(ats, e.At.UnixNano())
		actors = append(actors, text(e.Actor))
		kinds = append(kinds, text(e.Kind))
		rules = append(rules, text(e.Rule))
		outcomes = append(outcomes, text(e.Outcome))
		awsIDs = append(awsIDs, text(e.AWSRequestID))
		details = append(details, text(e.Detail))
		escaped = append(escaped, esc)
	}
	return []any{ids, ats, actors, kinds, rules, outcomes, awsIDs, details, escaped}
}

// always is a guard table with one row, for events that record no state change.
const always = "(SELECT 1) AS always"

// appendEvent is an INSERT of one event ($1..$9) with no state change.
var appendEvent = eventsFrom(1, always)

// Append adds an audit event that records no state change.
func (s *DB) Append(ctx context.Context, e approval.Event) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	args := eventArgs(e.RequestID, []approval.Event{e})
	if err := s.retryWrite(ctx, "append event", func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, appendEvent, args...)
		return err
	}); err != nil {
		return wrap(fmt.Sprintf("append event %s for %q", e.Kind, e.RequestID), err)
	}
	return nil
}

// Events lists a request's events, oldest first.
func (s *DB) Events(ctx context.Context, requestID string) ([]approval.Event, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	// An id with a NUL byte can only be an escaped event's (nul.go), and cannot be sent as is.
	plain, nul := requestID, hasNUL(requestID)
	if nul {
		plain = ""
	}
	var out []approval.Event
	err := s.retryRead(ctx, "events", func(ctx context.Context) error {
		rows, err := s.pool.Query(ctx, `SELECT `+eventColumns+` FROM events
			WHERE (request_id = $1 AND NOT escaped AND NOT $3) OR (request_id = $2 AND escaped) ORDER BY id`,
			plain, escapeText(requestID), nul)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanEvent)
		return err
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("events for %q", requestID), err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// eventColumns are read by every query that returns events, for scanEvent.
const eventColumns = "id, request_id, at, actor, kind, rule, outcome, aws_request_id, detail, escaped"

func scanEvent(row pgx.CollectableRow) (approval.Event, error) {
	var (
		e       approval.Event
		at      int64
		escaped bool
	)
	texts := []*string{&e.RequestID, &e.Actor, &e.Kind, &e.Rule, &e.Outcome, &e.AWSRequestID, &e.Detail}
	if err := row.Scan(&e.ID, texts[0], &at, texts[1], texts[2], texts[3], texts[4], texts[5], texts[6], &escaped); err != nil {
		return approval.Event{}, err
	}
	if escaped {
		for _, t := range texts {
			*t = unescapeText(*t)
		}
	}
	e.At = time.Unix(0, at).UTC()
	return e, nil
}
