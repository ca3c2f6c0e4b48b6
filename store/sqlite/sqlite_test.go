package sqlite_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/sqlite"
	"github.com/resetbot/resetbot/store/storetest"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func open(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path, discard())
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) approval.Store {
		return open(t, filepath.Join(t.TempDir(), "resetbot.db"))
	})
}

func TestOpenCreatesPrivateFileAndDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "nested", "resetbot.db")
	open(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the database file was not created: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database file mode %v, want 0600", perm)
	}
}

func TestOpenPathWithQueryCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd ?name#1.db")
	db := open(t, path)
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not at the path given: %v", err)
	}
}

func TestOpenRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		path   string
		logger *slog.Logger
	}{
		{"empty path", "", discard()},
		{"nil logger", filepath.Join(dir, "x.db"), nil},
		{"directory under a file", filepath.Join(blocker, "x.db"), discard()},
		{"not a database", blocker + "-garbage", discard()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "not a database" {
				if err := os.WriteFile(tt.path, bytes.Repeat([]byte("not sqlite "), 1000), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			db, err := sqlite.Open(t.Context(), tt.path, tt.logger)
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tt.path)
			}
		})
	}
}

// TestReopenKeepsEverything is a restart: the second process finds what the first wrote, and
// the migrations are not applied twice.
func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resetbot.db")
	ctx := t.Context()
	var logs bytes.Buffer
	first, err := sqlite.Open(ctx, path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r := &approval.Request{ID: "r-1", State: approval.StatePending, Requester: "U1", CreatedAt: time.Unix(1700000000, 0).UTC()}
	if err := first.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := first.Append(ctx, approval.Event{RequestID: "r-1", Kind: "submitted", At: r.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	wantEachMigrationOnce(t, logs.String())

	logs.Reset()
	second, err := sqlite.Open(ctx, path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = second.Close() })
	if strings.Contains(logs.String(), "store migration applied") {
		t.Errorf("reopening applied a migration again:\n%s", logs.String())
	}
	pending, err := second.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != "r-1" {
		t.Errorf("after reopening, Pending = %v, %v; want r-1", pending, err)
	}
	events, err := second.Events(ctx, "r-1")
	if err != nil || len(events) != 1 {
		t.Errorf("after reopening, Events = %v, %v; want one", events, err)
	}
}

// TestOneOpenAtATime starts several Opens of one new file at once, as several processes
// would: one gets the store, the others are refused with ErrInUse and say why. Once the store
// is closed, the file opens again.
func TestOneOpenAtATime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resetbot.db")
	const n = 4
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		opened  []*sqlite.DB
		refused []error
	)
	for range n {
		wg.Go(func() {
			db, err := sqlite.Open(t.Context(), path, discard())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				refused = append(refused, err)
				return
			}
			opened = append(opened, db)
		})
	}
	wg.Wait()
	if len(opened) != 1 || len(refused) != n-1 {
		t.Fatalf("%d opened and %d refused, want 1 and %d: %v", len(opened), len(refused), n-1, refused)
	}
	for _, err := range refused {
		if !errors.Is(err, sqlite.ErrInUse) || !strings.Contains(err.Error(), "one SQLite database serves one resetbot process") ||
			!strings.Contains(err.Error(), fmt.Sprintf("by process %d", os.Getpid())) {
			t.Errorf("refusal %q does not say the database is in use, by which process, and what to do", err)
		}
	}
	if err := opened[0].Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if err := opened[0].Close(); err != nil {
		t.Fatal(err)
	}
	open(t, path)
}

// wantEachMigrationOnce checks that the log tells each embedded migration applied once.
func wantEachMigrationOnce(t *testing.T, logs string) {
	t.Helper()
	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs, "store migration applied"); n != len(files) {
		t.Errorf("%d migrations applied, want %d:\n%s", n, len(files), logs)
	}
	for _, f := range files {
		if n := strings.Count(logs, "migration="+f.Name()); n != 1 {
			t.Errorf("migration %s applied %d times, want 1:\n%s", f.Name(), n, logs)
		}
	}
}

func TestClosedStoreFails(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "resetbot.db"), discard())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	r := &approval.Request{ID: "r-1", Version: 1}
	for name, err := range map[string]error{
		"Ping":   db.Ping(ctx),
		"Create": db.Create(ctx, r),
		"Update": db.Update(ctx, r),
		"Append": db.Append(ctx, approval.Event{RequestID: "r-1"}),
	} {
		if err == nil {
			t.Errorf("%s on a closed store succeeded", name)
		} else if code := approval.ErrorCode(err); code != approval.EINTERNAL {
			t.Errorf("%s on a closed store: code %q, want %q", name, code, approval.EINTERNAL)
		}
	}
	if _, err := db.Get(ctx, "r-1"); err == nil {
		t.Error("Get on a closed store succeeded")
	}
	if _, err := db.Events(ctx, "r-1"); err == nil {
		t.Error("Events on a closed store succeeded")
	}
	if _, err := db.Due(ctx, time.Now()); err == nil {
		t.Error("Due on a closed store succeeded")
	}
	if _, err := db.CountByTarget(ctx, "p", "u", time.Now()); err == nil {
		t.Error("CountByTarget on a closed store succeeded")
	}
}

// TestMigrationMarksWithdrawnRequests opens a database written before requests carried
// Withdrawn: a request the bot withdrew (cancelled by "system") stops counting toward rate
// limits, and reads back withdrawn.
func TestMigrationMarksWithdrawnRequests(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "resetbot.db")
	initSQL, err := os.ReadFile(filepath.Join("migrations", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, stmt := range []string{
		string(initSQL),
		"CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)",
		"INSERT INTO schema_version VALUES (1, '0001_init.sql')",
	} {
		if _, err := raw.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%.40s: %v", stmt, err)
		}
	}
	for _, r := range []struct{ id, state, decidedBy string }{
		{"r-withdrawn", "cancelled", "system"},
		{"r-cancelled", "cancelled", "U1"},
		{"r-pending", "pending", ""},
	} {
		body := fmt.Sprintf(`{"ID":%q,"State":%q,"Requester":"U1","Pool":{"ID":"p1"},"Action":"reset","Target":{"Username":"alice"},"DecidedBy":%q,"CreatedAt":%q}`,
			r.id, r.state, r.decidedBy, created.Format(time.RFC3339Nano))
		if _, err := raw.ExecContext(ctx, `INSERT INTO requests (id, version, state, requester, pool_id, username, action, created_at, body)
			VALUES (?, 1, ?, 'U1', 'p1', 'alice', 'reset', ?, ?)`, r.id, r.state, created.UnixNano(), body); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db := open(t, path)
	for id, want := range map[string]bool{"r-withdrawn": true, "r-cancelled": false, "r-pending": false} {
		r, err := db.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Withdrawn != want {
			t.Errorf("%s: Withdrawn %v, want %v", id, r.Withdrawn, want)
		}
	}
	if n, err := db.CountByRequester(ctx, "U1", created); err != nil || n != 2 {
		t.Errorf("CountByRequester = %d, %v; want 2 (the withdrawn request not counted)", n, err)
	}
	if n, err := db.CountByTarget(ctx, "p1", "alice", created); err != nil || n != 2 {
		t.Errorf("CountByTarget = %d, %v; want 2 (the withdrawn request not counted)", n, err)
	}
}

// TestOpenRefusesANewerSchema: a database a newer resetbot migrated is not opened by an older
// one, which would write requests without the columns the newer one relies on.
func TestOpenRefusesANewerSchema(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "resetbot.db")
	db, err := sqlite.Open(ctx, path, discard())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, "INSERT INTO schema_version VALUES (99, '0099_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path, discard())
	if err == nil {
		_ = db.Close()
		t.Fatal("Open of a database with a newer schema succeeded")
	}
	if !strings.Contains(err.Error(), "schema is at version 99, newer than this resetbot knows") {
		t.Errorf("error %q does not say the schema is newer", err)
	}
}
