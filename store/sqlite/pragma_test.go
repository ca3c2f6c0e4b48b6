package sqlite

import (
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEveryConnectionIsConfigured holds every connection of the read pool and the writer's
// one at once, and reads back the settings the store's promises rest on, on each.
func TestEveryConnectionIsConfigured(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "resetbot.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	want := map[string]string{
		"journal_mode": "wal",   // readers never block the writer
		"busy_timeout": "10000", // a checkpoint makes a reader wait rather than fail
		"synchronous":  "2",     // FULL: a commit (a run's claim) survives a power loss
		"foreign_keys": "1",     // as asked for
		"temp_store":   "2",     // MEMORY: nothing written outside the database's directory
	}
	var conns []*sql.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			_ = c.Close()
		}
	})
	for _, pool := range []struct {
		name      string
		db        *sql.DB
		n         int
		queryOnly string
		cacheSize string
	}{
		// The writer's connection is taken from under the stopped writer: nothing writes here.
		{"writer", s.wdb, 1, "0", "-2000"},                           // SQLite's default
		{"reader", s.rdb, readConns, "1", fmt.Sprint(-readCacheKiB)}, // a small cache: WAL drops it at every commit
	} {
		for i := range pool.n {
			c, err := pool.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			got := map[string]string{}
			for name := range want {
				var v string
				if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
					t.Fatalf("PRAGMA %s: %v", name, err)
				}
				got[name] = v
			}
			var queryOnly, cacheSize string
			if err := c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly); err != nil {
				t.Fatal(err)
			}
			if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cacheSize); err != nil {
				t.Fatal(err)
			}
			got["query_only"], want["query_only"] = queryOnly, pool.queryOnly
			got["cache_size"], want["cache_size"] = cacheSize, pool.cacheSize
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("%s connection %d settings (-got +want):\n%s", pool.name, i, diff)
			}
		}
		if got := pool.db.Stats().MaxOpenConnections; got != pool.n {
			t.Errorf("%s pool: at most %d connections, want %d", pool.name, got, pool.n)
		}
	}
}
