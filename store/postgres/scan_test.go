package postgres_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/pgtest"
	"github.com/resetbot/resetbot/store/postgres"
)

// TestScanUsesIndexes: on an audit trail large enough that the planner weighs its choices
// (60,000 events over 41 days by 600 people), each filter that resetbot audit and the bot
// scan with is served by the index on the column it filters, as the query is written, never
// by a read of the whole table.
func TestScanUsesIndexes(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_ = open(t, postgres.Config{URL: url})
	first := t0.UnixNano()
	// One event a minute; a few hundred are escaped (nul.go), with a backslash in their actor.
	pgtest.Exec(t, url, `INSERT INTO events (request_id, at, actor, kind, rule, outcome, aws_request_id, detail, escaped)
		SELECT 'r' || (i / 4), `+strconv.FormatInt(first, 10)+` + i * 60000000000::bigint,
			CASE WHEN i % 200 = 0 THEN 'U\\' || (i % 600) ELSE 'U' || (i % 600) END,
			(ARRAY['submitted', 'approved', 'denied', 'succeeded', 'status', 'approval_refused'])[1 + i % 6],
			'rule', 'ok', '', '', i % 200 = 0
		FROM generate_series(0, 59999) AS i;
		ANALYZE events`)
	last := t0.Add(59999 * time.Minute)
	approverKinds := []string{"approved", "denied", "approval_refused", "approval_not_counted"}
	byAt, byActor := []string{"events_by_at"}, []string{"events_by_actor"}
	for _, c := range []struct {
		name string
		f    approval.EventFilter
		want []string // the indexes the plan may name, one at least
	}{
		{"audit --approver --since 30d", approval.EventFilter{Actor: "U7", Kinds: approverKinds, Since: last.Add(-30 * 24 * time.Hour)}, byActor},
		{"audit --approver", approval.EventFilter{Actor: "U7", Kinds: approverKinds}, byActor},
		{"audit --since 1d", approval.EventFilter{Since: last.Add(-24 * time.Hour)}, byAt},
		{"audit --since --until", approval.EventFilter{Since: t0.Add(24 * time.Hour), Until: t0.Add(25 * time.Hour)}, byAt},
		{"the lookup limit's window", approval.EventFilter{Actor: "U9", Kinds: []string{"status", "history"}, Since: last.Add(-time.Hour)}, append(byAt, byActor...)},
		{"the last decisions", approval.EventFilter{Actor: "U9", Kinds: []string{"approved", "denied"}, NewestFirst: true}, byActor},
		{"actor with a backslash", approval.EventFilter{Actor: `U\200`}, byActor},
		{"actor with a NUL", approval.EventFilter{Actor: "U1\x00"}, byActor},
	} {
		t.Run(c.name, func(t *testing.T) {
			query, args := postgres.EventQuery(c.f)
			plan := explain(t, url, query, args)
			if strings.Contains(plan, "Seq Scan") || !containsAny(plan, c.want) {
				t.Errorf("plan of %s\n%s\nwant an index scan of %s, no Seq Scan", query, plan, strings.Join(c.want, " or "))
			}
		})
	}
}

// explain is PostgreSQL's plan of query with args, one line per node.
func explain(t *testing.T, url, query string, args []any) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(t.Context()) }()
	rows, err := conn.Query(t.Context(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", query, err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", query, err)
	}
	return strings.Join(lines, "\n")
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestCardsBehindUsesItsIndex: among 50,000 requests whose cards show them, CardsBehind finds
// the few whose card is behind through the partial index that holds only those, never by a
// read of the whole table.
func TestCardsBehindUsesItsIndex(t *testing.T) {
	url := pgtest.NewDatabase(t)
	db := open(t, postgres.Config{URL: url})
	first := t0.UnixNano()
	pgtest.Exec(t, url, `INSERT INTO requests (id, version, state, requester, pool_id, username, action, created_at, drawn_version, body)
		SELECT 'r' || i, 3, 'succeeded', 'U' || (i % 600), 'eu-west-1_Prod1', 'user' || i, 'reset',
			`+strconv.FormatInt(first, 10)+` + i * 60000000000::bigint, CASE WHEN i % 5000 = 0 THEN 2 ELSE 3 END,
			'{"ID": "r' || i || '", "UpdatedAt": "2026-01-01T09:00:00Z", "Thread": {"Channel": "C1", "TS": "1.' || i || '"}}'
		FROM generate_series(0, 49999) AS i;
		ANALYZE requests`)
	plan := explain(t, url, postgres.BehindSQL, nil)
	if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "requests_behind") {
		t.Errorf("plan of %s\n%s\nwant an index scan of requests_behind, no Seq Scan", postgres.BehindSQL, plan)
	}
	rs, err := db.CardsBehind(t.Context(), t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 10 {
		t.Errorf("CardsBehind listed %d requests, want the 10 whose card is behind", len(rs))
	}
}

// TestPendingUsesItsIndex: among 50,000 requests, nearly all of them final, Pending and
// EachPending list the few pending and approved ones, oldest first, through the partial index
// that holds only those, in its order (no sort), never by a read of the whole table.
func TestPendingUsesItsIndex(t *testing.T) {
	url := pgtest.NewDatabase(t)
	db := open(t, postgres.Config{URL: url})
	first := t0.UnixNano()
	// One request in 2,500 is open: 10 pending and 10 approved, the newest listed first in seq
	// order, so that only the index's order (created_at, seq) gives them oldest first.
	pgtest.Exec(t, url, `INSERT INTO requests (id, version, state, requester, pool_id, username, action, created_at, drawn_version, body)
		SELECT 'r' || i, 3,
			CASE WHEN i % 5000 = 0 THEN 'pending' WHEN i % 5000 = 2500 THEN 'approved'
				WHEN i % 3 = 0 THEN 'denied' WHEN i % 3 = 1 THEN 'expired' ELSE 'succeeded' END,
			'U' || (i % 600), 'eu-west-1_Prod1', 'user' || i, 'reset',
			`+strconv.FormatInt(first, 10)+` + (49999 - i) * 60000000000::bigint, 3,
			'{"ID": "r' || i || '", "UpdatedAt": "2026-01-01T09:00:00Z"}'
		FROM generate_series(0, 49999) AS i;
		ANALYZE requests`)
	plan := explain(t, url, postgres.PendingSQL, nil)
	if strings.Contains(plan, "Seq Scan") || !strings.Contains(plan, "requests_open") || strings.Contains(plan, "Sort") {
		t.Errorf("plan of %s\n%s\nwant an index scan of requests_open, no Seq Scan, no sort", postgres.PendingSQL, plan)
	}
	var want []string
	for i := 47500; i >= 0; i -= 2500 {
		want = append(want, "r"+strconv.Itoa(i))
	}
	rs, err := db.Pending(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pending listed (-want +got):\n%s", diff)
	}
	got = nil
	if err := db.EachPending(t.Context(), func(r *approval.Request) error {
		got = append(got, r.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EachPending listed (-want +got):\n%s", diff)
	}
}
