package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// newIdleBot is a bot connected to a fake Slack with nothing to do.
func newIdleBot(t *testing.T, appToken string) (*Bot, *slacktest.Server) {
	t.Helper()
	return newIdleBotLogging(t, appToken, slog.New(slog.DiscardHandler))
}

func newIdleBotLogging(t *testing.T, appToken string, log *slog.Logger) (*Bot, *slacktest.Server) {
	t.Helper()
	fs, err := slacktest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fs.Close)
	if appToken == "" {
		appToken = fs.AppToken()
	}
	client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken(appToken))
	n, err := NewNotifier(NotifierConfig{Client: client, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Notifier: n, Workflow: &approval.Service{}, Policy: stubPolicy{}, Logger: log, Claims: newMemClaims()})
	if err != nil {
		t.Fatal(err)
	}
	return b, fs
}

func TestRunFailsWhenSlackRefusesTheToken(t *testing.T) {
	b, _ := newIdleBot(t, "xapp-1-not-the-token")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err := b.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("Run = %v, want invalid_auth", err)
	}
	if b.Connected() {
		t.Error("Connected after a refused token")
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	var logs syncBuffer
	b, fs := newIdleBotLogging(t, "", slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	if err := fs.WaitConnections(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if err := b.Run(ctx); err == nil {
		t.Error("a second Run at the same time: no error")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after its context ended = %v, want nil", err)
	}
	if b.Connected() {
		t.Error("Connected after Run returned")
	}
	if got := logs.String(); got != "" {
		t.Errorf("a normal stop logged warnings:\n%s", got)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A stopping bot acknowledges and handles what Slack still sends on its connection before it
// closes it: an envelope sent after the stop began is not left unacknowledged.
func TestStoppingBotAcknowledgesWhatStillArrives(t *testing.T) {
	h := newHarness(t)
	h.botCfg.DrainQuiet = 2 * time.Second // the quiet period outlasts a slow machine's pause
	h.restartBot()
	h.cancelBot()
	if _, err := h.slack.SlashCommand(h.ctx(), uAlice, chSupport, h.command, "help"); err != nil {
		t.Fatalf("a command sent while the bot was stopping: %v", err)
	}
}
