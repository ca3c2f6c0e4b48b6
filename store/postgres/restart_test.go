package postgres_test

import (
	"strings"
	"testing"
	"time"

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
