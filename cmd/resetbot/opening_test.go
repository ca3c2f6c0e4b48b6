package main

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// startApp is newApp for Start: the store opens in Run.
func startApp(t *testing.T, f *fixture, change func(*Config)) *App {
	t.Helper()
	app, err := Start(t.Context(), fixtureConfig(t, f, change), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = app.Close() })
	return app
}

// holdStore takes SQLite's exclusive lock of the fixture's database file, so that opening the
// store waits for release (within the store's busy timeout).
func holdStore(t *testing.T, f *fixture) (release func()) {
	t.Helper()
	path := strings.TrimPrefix(f.env["RESETBOT_STORE"], "sqlite:")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		_, _ = conn.ExecContext(context.WithoutCancel(t.Context()), "ROLLBACK")
		_ = conn.Close()
		_ = db.Close()
	}
	t.Cleanup(release)
	return release
}

// TestStartConnectsWhileTheStoreOpens: after Start, Run opens the Socket Mode connection while
// the store is still opening; meanwhile /readyz says why it is not ready and a command stays
// unacknowledged. Once the store is open, the command is answered and /readyz answers 200.
func TestStartConnectsWhileTheStoreOpens(t *testing.T) {
	f := newFixture(t)
	release := holdStore(t, f)
	app := startApp(t, f, nil)
	stop := runApp(t, app)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	if err := f.slack.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("the bot did not connect while the store was opening: %v", err)
	}
	p := &process{addr: app.HTTPAddr().String()}
	if code, body := p.get(t, "/readyz"); code != 503 || !strings.Contains(body, "the store is still opening") {
		t.Errorf("/readyz while the store opens = %d %q, want 503 saying the store is still opening", code, body)
	}
	if err := app.ReloadPolicy(); err == nil {
		t.Error("ReloadPolicy while the App opens succeeded, with no policy in force yet")
	}
	sent := make(chan error, 1)
	go func() {
		_, err := f.slack.SlashCommand(ctx, requester, exampleChannel, "/cognito",
			"reset "+targetEmail+" --pool prod --ticket SUP-123 --verified-by callback locked out after a phone change")
		sent <- err
	}()
	if err := f.slack.WaitUntil(ctx, func() bool { return len(f.slack.Envelopes()) == 1 }); err != nil {
		t.Fatal(err)
	}
	if st := f.slack.Envelopes()[0].Status; st != slacktest.StatusPending {
		t.Errorf("the command sent while the store opens is %s, want pending until it is open", st)
	}

	release()
	if err := <-sent; err != nil {
		t.Fatalf("the command: %v", err)
	}
	waitCard(t, ctx, f)
	p.waitReady(t, ctx, f)
	if err := app.ReloadPolicy(); err != nil {
		t.Errorf("ReloadPolicy once open: %v", err)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestStartReportsAStoreThatDoesNotOpen: when the store cannot be opened, Run returns a
// startFailure naming it (serve says it cannot start, and exits as New's failure did), and
// closes the Slack connection.
func TestStartReportsAStoreThatDoesNotOpen(t *testing.T) {
	f := newFixture(t)
	blocker := filepath.Join(f.dir, "a-file")
	writeFile(t, blocker, "x")
	app := startApp(t, f, func(c *Config) { c.Store = StoreURL{Scheme: "sqlite", Path: filepath.Join(blocker, "db")} })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	err := app.Run(ctx)
	var sf startFailure
	if !errors.As(err, &sf) || !strings.Contains(err.Error(), "store sqlite:") {
		t.Errorf("Run: %v, want a startFailure naming the store", err)
	}
	if strings.Contains(err.Error(), "Slack connection stopped") {
		t.Errorf("Run: %v, blames the Slack connection", err)
	}
	if got := exitCode(err); got != exitFail {
		t.Errorf("exit code %d, want %d as when New failed", got, exitFail)
	}
	if err := f.slack.WaitUntil(ctx, func() bool { return len(f.slack.Connections()) == 0 }); err != nil {
		t.Errorf("the Slack connection stayed open: %v", err)
	}
}
