package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// stopForReady stops the harness's bot so that the next one starts with a Config.Ready that
// waits for ready, then hands the workflow, the policy and the store, which the Config leaves
// out.
func stopForReady(h *harness, ready func(ctx context.Context) error) {
	h.t.Helper()
	h.stopBot()
	h.stopBot = func() {}
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return len(h.slack.Connections()) == 0 }); err != nil {
		h.t.Fatalf("the stopped bot's connection did not close: %v", err)
	}
	deps := Deps{Workflow: h.botCfg.Workflow, Policy: h.botCfg.Policy, Claims: h.botCfg.Claims}
	h.botCfg.Workflow, h.botCfg.Policy, h.botCfg.Claims = nil, nil, nil
	h.botCfg.Ready = func(ctx context.Context) (Deps, error) {
		if err := ready(ctx); err != nil {
			return Deps{}, err
		}
		return deps, nil
	}
}

// TestRunHandlesNoEnvelopeBeforeReady: a command Slack sends while Config.Ready has not
// returned stays unacknowledged and unanswered on the open connection, and is answered once
// it has.
func TestRunHandlesNoEnvelopeBeforeReady(t *testing.T) {
	h := newHarness(t)
	sent := len(h.slack.Envelopes())
	var before []slacktest.EnvelopeRecord
	stopForReady(h, func(ctx context.Context) error {
		err := h.slack.WaitUntil(ctx, func() bool { return len(h.slack.Envelopes()) > sent })
		before = h.slack.Envelopes()[sent:]
		return err
	})
	h.startBot()
	if err := h.slack.WaitConnections(h.ctx(), 1); err != nil {
		t.Fatalf("the bot did not connect before it was ready: %v", err)
	}
	h.cmd(uAlice, chSupport, "help")
	if len(before) != 1 || before[0].Status != slacktest.StatusPending {
		t.Errorf("before Ready returned, the envelopes were %+v, want one pending", before)
	}
	if help := h.ephemeralText(uAlice); !strings.Contains(help, "*prod*") {
		t.Errorf("help not answered once ready:\n%s", help)
	}
}

// TestRunStopsWhenItCannotGetReady: an error from Config.Ready stops Run with it and closes
// the connection, leaving the command Slack sent meanwhile unacknowledged, for Slack to give
// to another connection.
func TestRunStopsWhenItCannotGetReady(t *testing.T) {
	h := newHarness(t)
	sent := len(h.slack.Envelopes())
	refused := errors.New("the store cannot be opened")
	stopForReady(h, func(ctx context.Context) error {
		if err := h.slack.WaitUntil(ctx, func() bool { return len(h.slack.Envelopes()) > sent }); err != nil {
			return err
		}
		return refused
	})
	b, err := New(h.botCfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- b.Run(ctx) }()
	if err := h.slack.WaitConnections(h.ctx(), 1); err != nil {
		t.Fatalf("the bot did not connect: %v", err)
	}
	cmdCtx, stopCmd := context.WithCancel(h.ctx())
	defer stopCmd()
	go func() { _, _ = h.slack.SlashCommand(cmdCtx, uAlice, chSupport, h.command, "help") }()

	if err := <-ran; !errors.Is(err, refused) {
		t.Errorf("Run = %v, want the error of Ready", err)
	}
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return len(h.slack.Connections()) == 0 }); err != nil {
		t.Errorf("the connection stayed open: %v", err)
	}
	for _, e := range h.slack.Envelopes()[sent:] {
		if e.Status == slacktest.StatusAcked {
			t.Errorf("the command was acknowledged: %+v", e)
		}
	}
	if got := h.ephemeralText(uAlice); got != "" {
		t.Errorf("the command was answered:\n%s", got)
	}
}

// TestAChangeBeforeReadyIsOnTheHomeTabOnceReady: a request that changes while the bot waits
// for Config.Ready (a sweeper may run once the store is open, before the bot has what Ready
// hands) has the Home tabs it concerns published once the bot is ready.
func TestAChangeBeforeReadyIsOnTheHomeTabOnceReady(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	_, r := h.lastCard(chSupport)
	waiting := func(n string) bool {
		v, _ := h.slack.Home(uLena)
		return strings.Contains(waitingPart(v.Content()), "Waiting for your approval* ("+n+")")
	}
	if !waiting("1") {
		t.Fatal("lena's Home tab does not show the request waiting")
	}
	release := make(chan struct{})
	stopForReady(h, func(ctx context.Context) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	h.startBot()
	if err := h.slack.WaitConnections(h.ctx(), 1); err != nil {
		t.Fatalf("the bot did not connect before it was ready: %v", err)
	}
	if _, err := h.svc.Cancel(h.ctx(), r.ID, uAlice); err != nil {
		t.Fatalf("cancel before the bot is ready: %v", err)
	}
	close(release)
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return waiting("0") }); err != nil {
		v, _ := h.slack.Home(uLena)
		t.Errorf("the cancelled request is still waiting on lena's Home tab once the bot is ready: %v\n%s", err, v.Content())
	}
}
