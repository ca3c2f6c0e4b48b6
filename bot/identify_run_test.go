package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// stopForIdentity stops the harness's bot, and has the next one learn its workspace and app
// from Slack (auth.test, bots.info) rather than from its config.
func stopForIdentity(h *harness) {
	h.t.Helper()
	h.stopBot()
	h.stopBot = func() {}
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return len(h.slack.Connections()) == 0 }); err != nil {
		h.t.Fatalf("the stopped bot's connection did not close: %v", err)
	}
	h.botCfg.TeamID, h.botCfg.AppID = "", ""
}

// TestRunConnectsWhileLearningWhoItIs: the Socket Mode connection opens while the bot asks
// Slack who it is (bots.info answering slowly here), and a command that comes meanwhile is
// answered once it knows.
func TestRunConnectsWhileLearningWhoItIs(t *testing.T) {
	h := newHarness(t)
	stopForIdentity(h)
	h.slack.Latency("bots.info", 300*time.Millisecond)
	h.startBot()
	if err := h.slack.WaitConnections(h.ctx(), 1); err != nil {
		t.Fatalf("the bot did not connect: %v", err)
	}
	h.cmd(uAlice, chSupport, "help")
	if help := h.ephemeralText(uAlice); !strings.Contains(help, "*prod*") {
		t.Errorf("help not answered:\n%s", help)
	}
}

// TestRunStopsWhenSlackRefusesItsIdentity: when auth.test is refused for good, Run closes the
// connection it was opening and says why.
func TestRunStopsWhenSlackRefusesItsIdentity(t *testing.T) {
	h := newHarness(t)
	stopForIdentity(h)
	h.slack.FailNext("auth.test", "invalid_auth")
	b, err := New(h.botCfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err = b.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "learning the bot's workspace and app") {
		t.Fatalf("Run = %v, want the refusal", err)
	}
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return len(h.slack.Connections()) == 0 }); err != nil {
		t.Errorf("the connection stayed open: %v", err)
	}
}
