// Package pgtest gives tests a PostgreSQL database of their own on the throwaway cluster that
// scripts/test starts (scripts/pg-cluster), named by RESETBOT_TEST_POSTGRES. Without it the
// tests that need PostgreSQL skip, except under CI=true, where they fail: CI must run them.
//
// NewDatabase creates an empty database per test and drops it after; StartCluster starts a
// cluster of the test's own, for tests that stop and start the server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
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

// NewDatabase creates an empty database for the test, dropped when it ends, and returns its
// connection string.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := URL(t)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	Exec(t, admin, "CREATE DATABASE "+name)
	t.Cleanup(func() { Exec(t, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s does not parse as a URL", EnvURL)
	}
	u.Path = "/" + name
	return u.String()
}

// Exec runs statements on the database at connString (as the role it names), for tests that
// set up roles or look under the store.
func Exec(t testing.TB, connString, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatalf("connecting to the test cluster: %v", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
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
