package postgres_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/pgtest"
	"github.com/resetbot/resetbot/store/postgres"
)

// TestServerRestart: while the server is down every call fails at once with the
// database-unavailable message; once it is back the pool reconnects by itself.
func TestServerRestart(t *testing.T) {
	c := pgtest.StartCluster(t)
	db := open(t, postgres.Config{URL: c.URL, StatementTimeout: 2 * time.Second})
	if err := db.Create(t.Context(), request("r-1", "U1", "alice")); err != nil {
		t.Fatal(err)
	}
	c.Kill(t)
	for _, call := range []struct {
		name string
		err  func() error
	}{
		{"Ping", func() error { return db.Ping(t.Context()) }},
		{"Get", func() error { _, err := db.Get(t.Context(), "r-1"); return err }},
		{"Create", func() error { return db.Create(t.Context(), request("r-2", "U1", "bob")) }},
	} {
		err := call.err()
		if msg := approval.ErrorMessage(err); !strings.Contains(msg, "database is not answering") {
			t.Errorf("%s with the server down: %v (message %q), want the database-unavailable message", call.name, err, msg)
		}
	}
	c.Restart(t)
	var err error
	for range 50 {
		if err = db.Ping(t.Context()); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Ping after the restart: %v", err)
	}
	if _, err := db.Get(t.Context(), "r-1"); err != nil {
		t.Errorf("Get after the restart: %v", err)
	}
}

// TestReadsAfterRestart: once the server is back after a crash or a failover, the first read
// on a connection the crash broke succeeds, run again on a new connection, whether or not the
// pool pinged the connection first; and so does every read after it.
func TestReadsAfterRestart(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  func(postgres.Config) postgres.Config
	}{
		{"connections used within the second", postgres.WithoutIdlePing},
		{"connections pinged when idle", func(c postgres.Config) postgres.Config { return c }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := pgtest.StartCluster(t)
			db := open(t, tt.cfg(postgres.Config{URL: c.URL, StatementTimeout: 2 * time.Second}))
			ctx := t.Context()
			r := request("r-1", "U1", "alice")
			if err := db.Create(ctx, r, approval.Event{At: t0, Actor: "U1", Kind: "submitted"}); err != nil {
				t.Fatal(err)
			}
			reads := []struct {
				name string
				call func() error
			}{
				{"Get", func() error { _, err := db.Get(ctx, "r-1"); return err }},
				{"Pending", func() error { _, err := db.Pending(ctx); return err }},
				{"Due", func() error { _, err := db.Due(ctx, t0); return err }},
				{"History", func() error { _, err := db.History(ctx, r.Pool.ID, "alice", 5); return err }},
				{"CountByRequester", func() error { _, err := db.CountByRequester(ctx, "U1", time.Time{}); return err }},
				{"CountByTarget", func() error { _, err := db.CountByTarget(ctx, r.Pool.ID, "alice", time.Time{}); return err }},
				{"Events", func() error { _, err := db.Events(ctx, "r-1"); return err }},
				{"ScanEvents", func() error {
					return db.ScanEvents(ctx, approval.EventFilter{}, func(approval.Event) error { return nil })
				}},
				{"Ping", func() error { return db.Ping(ctx) }},
			}
			for _, read := range reads {
				// Every read breaks its own connections: fill the pool, crash, come back.
				fillPool(t, db)
				c.Kill(t)
				c.Restart(t)
				waitAccepting(t, c.URL)
				if err := read.call(); err != nil {
					t.Errorf("%s, first call after the restart: %v", read.name, err)
				}
			}
		})
	}
}

// fillPool leaves several connections idle in db's pool, each just used.
func fillPool(t *testing.T, db *postgres.DB) {
	t.Helper()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := db.Pending(t.Context()); err != nil {
				t.Errorf("Pending: %v", err)
			}
		})
	}
	wg.Wait()
}

// waitAccepting waits until the server at url takes connections, on a connection of its own.
func waitAccepting(t *testing.T, url string) {
	t.Helper()
	var err error
	for range 100 {
		var conn *pgx.Conn
		if conn, err = pgx.Connect(t.Context(), url); err == nil {
			_ = conn.Close(t.Context())
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the restarted server takes no connection: %v", err)
}
