package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// TestEventsAreAppendOnly goes around the store's API, as an operator with the sqlite3 shell
// would: the database itself refuses to change or delete an audit event.
func TestEventsAreAppendOnly(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "resetbot.db")
	db := open(t, path)
	if err := db.Append(ctx, approval.Event{RequestID: "r-1", At: time.Unix(1, 0), Actor: "U1", Kind: "submitted"}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	for _, stmt := range []string{
		"UPDATE events SET actor = 'U666'",
		"DELETE FROM events",
	} {
		_, err := raw.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error %v, want the append-only refusal", stmt, err)
		}
	}
	events, err := db.Events(ctx, "r-1")
	if err != nil || len(events) != 1 || events[0].Actor != "U1" {
		t.Errorf("events after the refused changes: %+v, %v", events, err)
	}
}
