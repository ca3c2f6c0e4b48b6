package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/bot"
	"github.com/resetbot/resetbot/internal/metrics"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// The adapters the App wires satisfy the interfaces the workflow declares.
var _ approval.Observer = (*metrics.Metrics)(nil)
var _ approval.Notifier = (*bot.Notifier)(nil)

// syncBuffer is a log sink safe for the App's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixtureConfig is the configuration the fixture's environment makes, changed by change.
func fixtureConfig(t *testing.T, f *fixture, change func(*Config)) Config {
	t.Helper()
	f.setenv(t)
	cfg, err := LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(&cfg)
	}
	return cfg
}

// newApp builds an App from the fixture's environment, logging to the returned buffer.
func newApp(t *testing.T, f *fixture, change func(*Config)) (*App, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	app, err := New(t.Context(), fixtureConfig(t, f, change), newLogger(logs, LogJSON, slog.LevelDebug))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		f.assertNoSecrets(t, "the App's log", logs.String())
		if t.Failed() {
			t.Logf("the App's log:\n%s", logs.String())
		}
	})
	return app, logs
}

// runApp runs the App until the returned stop is called, and returns Run's error from stop.
func runApp(t *testing.T, app *App) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(time.Minute):
			t.Fatal("Run did not return after its context ended")
			return nil
		}
	}
}

// runReadyApp runs the App (runApp) and waits for its Socket Mode connection and then for
// /readyz to answer 200. ctx bounds the test's waits to 30 seconds.
func runReadyApp(t *testing.T, f *fixture, app *App) (ctx context.Context, stop func() error) {
	t.Helper()
	stop = runApp(t, app)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	p := &process{addr: app.HTTPAddr().String()}
	p.waitReady(t, ctx, f)
	return ctx, stop
}

func TestAppRunsARequestAndStops(t *testing.T) {
	f := newFixture(t)
	app, _ := newApp(t, f, nil)
	ctx, stop := runReadyApp(t, f, app)

	c := requestReset(t, ctx, f)
	approve(t, ctx, f, c)
	waitThread(t, ctx, f, c, succeeded)
	if n := f.cognito.Calls("AdminResetUserPassword"); n != 1 {
		t.Errorf("AdminResetUserPassword called %d times, want 1", n)
	}

	if err := app.ReloadPolicy(); err != nil {
		t.Errorf("ReloadPolicy of the unchanged file: %v", err)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v, want nil after its context ended", err)
	}
	// The bot closed its side before Run returned; the fake notices when its read fails.
	if err := f.slack.WaitUntil(ctx, func() bool { return len(f.slack.Connections()) == 0 }); err != nil {
		t.Errorf("the Socket Mode connection is still open after Run returned: %v", err)
	}
	if _, err := net.Dial("tcp", app.HTTPAddr().String()); err == nil {
		t.Error("the HTTP server still accepts connections after Run returned")
	}
	if err := app.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestAppReportsAGraceThatRanOut: a run slower than the shutdown grace makes Run return an
// error naming the grace, so the process exits non-zero.
func TestAppReportsAGraceThatRanOut(t *testing.T) {
	f := newFixture(t)
	app, logs := newApp(t, f, func(c *Config) { c.ShutdownGrace = 10 * time.Millisecond })
	ctx, stop := runReadyApp(t, f, app)

	c := requestReset(t, ctx, f)
	f.cognito.SetLatency(2 * time.Second)
	approve(t, ctx, f, c)
	if _, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.TS != c.TS && strings.Contains(m.Content(), "Running")
	}); err != nil {
		t.Fatalf("waiting for the run to start: %v", err)
	}

	err := stop()
	if err == nil || !strings.Contains(err.Error(), "shutdown grace of 10ms ran out") {
		t.Errorf("Run: %v, want the grace named", err)
	}
	if !strings.Contains(logs.String(), "unfinished runs will be reported as interrupted") {
		t.Error("the log does not say what becomes of the unfinished run")
	}
	if err := app.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestAppStopsWhenSlackRefusesTheToken(t *testing.T) {
	f := newFixture(t)
	f.env["RESETBOT_SLACK_APP_TOKEN"] = "xapp-1-not-the-token"
	app, _ := newApp(t, f, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err := app.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "the Slack connection stopped") {
		t.Errorf("Run: %v, want the Slack connection named", err)
	}
	if err := app.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestNewNamesWhatKeepsItFromStarting(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, f *fixture, c *Config)
		want   string
	}{
		{
			name: "invalid policy",
			change: func(t *testing.T, f *fixture, c *Config) {
				c.PolicyFile = filepath.Join(f.dir, "bad.yaml")
				writeFile(t, c.PolicyFile, "rules: [\n")
			},
			want: "bad.yaml",
		},
		{
			name: "store that cannot be created",
			change: func(t *testing.T, f *fixture, c *Config) {
				blocker := filepath.Join(f.dir, "a-file")
				writeFile(t, blocker, "x")
				c.Store = StoreURL{Scheme: "sqlite", Path: filepath.Join(blocker, "db")}
			},
			want: "store sqlite:",
		},
		{
			name: "listen address in use",
			change: func(t *testing.T, _ *fixture, c *Config) {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
				c.HTTPAddr = ln.Addr().String()
			},
			want: "listening on 127.0.0.1:",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.setenv(t)
			cfg, err := LoadConfig()
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, f, &cfg)
			app, err := New(t.Context(), cfg, slog.New(slog.DiscardHandler))
			if err == nil {
				app.Close()
				t.Fatal("New succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want it to name %q", err, tt.want)
			}
		})
	}
}

func TestAppNotReadyBeforeSlackConnects(t *testing.T) {
	f := newFixture(t)
	app, _ := newApp(t, f, nil)
	t.Cleanup(func() { app.Close() })
	go func() { _ = app.http.Serve() }()
	resp, err := http.Get("http://" + app.HTTPAddr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz before Run = %d, want 503", resp.StatusCode)
	}
}

func TestAppDropsEnvelopesFromAnotherWorkspaceOrApp(t *testing.T) {
	f := newFixture(t)
	app, logs := newApp(t, f, nil)
	ctx, stop := runReadyApp(t, f, app)

	reset := "reset " + targetEmail + " --pool prod --ticket SUP-123 --verified-by callback locked out"
	command := func(team, app string) map[string]any {
		return map[string]any{
			"team_id": team, "api_app_id": app, "channel_id": exampleChannel, "user_id": requester,
			"command": "/cognito", "text": reset, "is_enterprise_install": "false",
		}
	}
	for _, c := range []struct{ name, team, app string }{
		{"another workspace", "T0ELSEWHERE", f.slack.AppID()},
		{"another app", exampleTeam, "A0SOMEONEELSE"},
	} {
		if _, err := f.slack.Deliver(ctx, slacktest.TypeSlashCommands, command(c.team, c.app)); err != nil {
			t.Fatalf("a slash command from %s: %v", c.name, err)
		}
	}
	click := map[string]any{
		"type": "block_actions", "api_app_id": "A0SOMEONEELSE", "team": map[string]any{"id": exampleTeam},
		"user": map[string]any{"id": approver}, "channel": map[string]any{"id": exampleChannel},
		"actions": []map[string]any{{"action_id": "approve", "value": "r-anything", "type": "button"}},
	}
	if _, err := f.slack.Deliver(ctx, slacktest.TypeInteractive, click); err != nil {
		t.Fatalf("a click for another app: %v", err)
	}
	// The same command from the bot's own workspace and app is answered, after the others.
	requestReset(t, ctx, f)
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}

	cards := 0
	for _, m := range f.slack.Messages(exampleChannel) {
		if m.User == f.slack.BotUserID() && m.ThreadTS == "" {
			cards++
		}
	}
	if cards != 1 {
		t.Errorf("%d request cards posted, want 1 (the command from the bot's own workspace and app)", cards)
	}
	if got := strings.Count(logs.String(), "dropping an envelope for another workspace or app"); got != 3 {
		t.Errorf("%d dropped envelopes logged, want 3", got)
	}
	if got := f.cognito.Calls("ListUsers"); got != 1 {
		t.Errorf("ListUsers called %d times, want 1 (for the command that was answered)", got)
	}
}
