// Package pgtest gives tests a PostgreSQL database of their own on the throwaway cluster that
// scripts/test starts (scripts/pg-cluster), named by RESETBOT_TEST_POSTGRES. Without it the
// tests that need PostgreSQL skip, except under CI=true, where they fail: CI must run them.
//
// NewDatabase gives each test an empty schema of its own; StartCluster starts a
// cluster of the test's own, for tests that stop and start the server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL is the variable that holds the superuser's connection string of the test cluster.
const EnvURL = "RESETBOT_TEST_POSTGRES"

// URL returns the test cluster's superuser connection string, or skips the test (fails it
// under CI=true) when there is none.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set, and CI=true: scripts/test starts PostgreSQL and sets it", EnvURL)
		}
		t.Skipf("%s is not set: run scripts/test, or eval \"$(scripts/pg-cluster start)\" first", EnvURL)
	}
	return u
}

// sharedDatabase is the database the tests' schemas are made in.
const sharedDatabase = "resetbot_test"

// NewDatabase gives the test an empty schema of its own, dropped when it ends, and returns a
// connection string whose search_path is that schema: to the store it is an empty database.
// (A schema is made in milliseconds, a database in seconds.)
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := URL(t)
	shared := withDatabase(t, admin, sharedDatabase)
	if err := tryExec(admin, "CREATE DATABASE "+sharedDatabase); err != nil && !strings.Contains(err.Error(), "42P04") {
		t.Fatalf("creating the tests' database: %v", err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	Exec(t, shared, "CREATE SCHEMA "+name)
	t.Cleanup(func() { Exec(t, shared, "DROP SCHEMA "+name+" CASCADE") })
	u, err := url.Parse(shared)
	if err != nil {
		t.Fatalf("%s does not parse as a URL", EnvURL)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// withDatabase is connString with another database.
func withDatabase(t testing.TB, connString, db string) string {
	t.Helper()
	u, err := url.Parse(connString)
	if err != nil {
		t.Fatalf("%s does not parse as a URL", EnvURL)
	}
	u.Path = "/" + db
	return u.String()
}

// Exec runs statements on the database at connString (as the role it names), for tests that
// set up roles or look under the store.
func Exec(t testing.TB, connString, sql string) {
	t.Helper()
	if err := tryExec(connString, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func tryExec(connString, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return fmt.Errorf("connecting to the test cluster: %w", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	_, err = conn.Exec(ctx, sql)
	return err
}

// WithUser is connString with another role and password.
func WithUser(t testing.TB, connString, user, password string) string {
	t.Helper()
	u, err := url.Parse(connString)
	if err != nil {
		t.Fatalf("the connection string does not parse: %v", err)
	}
	if password == "" {
		u.User = url.User(user)
	} else {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// NewRole creates a login role with the password, allowed everything in the schema of the
// database at connString (from NewDatabase), and dropped when the test ends. It returns
// connString for that role, without the password: the caller supplies it as it means to.
func NewRole(t testing.TB, connString, role, password string) string {
	t.Helper()
	Exec(t, connString, fmt.Sprintf(`DROP ROLE IF EXISTS %[1]s; CREATE ROLE %[1]s LOGIN PASSWORD '%[2]s';
		DO $$ BEGIN EXECUTE format('GRANT ALL ON SCHEMA %%I TO %[1]s', current_schema()); END $$`, role, password))
	t.Cleanup(func() {
		Exec(t, connString, "DROP OWNED BY "+role+" CASCADE")
		Exec(t, URL(t), "DROP ROLE "+role)
	})
	return WithUser(t, connString, role, "")
}
