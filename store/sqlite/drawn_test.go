package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/store/sqlite"
)

// TestListsUseTheirPartialIndexes: CardsBehind reads the partial index of the cards behind
// their request, and Pending and EachPending that of the open requests, each in its order:
// neither reads the whole table nor sorts (a sort of every open request held them all in
// memory).
func TestListsUseTheirPartialIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resetbot.db")
	db := open(t, path)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	for _, tc := range []struct{ query, index string }{
		{sqlite.BehindSQL, "requests_behind"},
		{sqlite.PendingSQL, "requests_open"},
	} {
		got := queryPlan(t, raw, tc.query)
		if !strings.Contains(got, "USING INDEX "+tc.index) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("plan of %s:\n%s\nwant the index %s, in its order", tc.query, got, tc.index)
		}
	}
}

// queryPlan is SQLite's plan of query, a line per step.
func queryPlan(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

// TestMigrationTakesOldCardsAsDrawn opens a database written before the store kept which
// version each card was drawn from: no card of a request stored before is taken as behind,
// and a change after the migration is.
func TestMigrationTakesOldCardsAsDrawn(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "resetbot.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{"CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"}
	names, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range names {
		if filepath.Base(name) >= "0006" {
			break // the schema before the drawn version
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b), fmt.Sprintf("INSERT INTO schema_version VALUES (%d, '%s')", i+1, filepath.Base(name)))
	}
	for _, stmt := range stmts {
		if _, err := raw.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%.40s: %v", stmt, err)
		}
	}
	at := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	body := fmt.Sprintf(`{"ID":"r-old","State":"succeeded","Requester":"U1","Pool":{"ID":"p1"},"Action":"reset","Target":{"Username":"alice"},"CreatedAt":%q,"UpdatedAt":%q,"Thread":{"Channel":"C1","TS":"1.2"}}`,
		at.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano))
	if _, err := raw.ExecContext(ctx, `INSERT INTO requests (id, version, state, requester, pool_id, username, action, created_at, body)
		VALUES ('r-old', 4, 'succeeded', 'U1', 'p1', 'alice', 'reset', ?, ?)`, at.UnixNano(), body); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := open(t, path)
	later := at.Add(time.Hour)
	if rs, err := db.CardsBehind(ctx, later); err != nil || len(rs) != 0 {
		t.Fatalf("CardsBehind after the migration = %d requests, %v; want none", len(rs), err)
	}
	r, err := db.Get(ctx, "r-old")
	if err != nil {
		t.Fatal(err)
	}
	r.Outcome = "changed after the migration"
	if err := db.Update(ctx, r); err != nil {
		t.Fatal(err)
	}
	if rs, err := db.CardsBehind(ctx, later); err != nil || len(rs) != 1 {
		t.Errorf("CardsBehind after a change = %d requests, %v; want r-old", len(rs), err)
	}
}
