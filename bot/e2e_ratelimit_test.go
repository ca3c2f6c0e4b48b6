package bot

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// TestBurstOfCardsWaitsOutSlackRateLimits: more requests in one channel than Slack lets the
// bot post there are all posted, late rather than withdrawn, and no post is sent again before
// the Retry-After Slack gave.
func TestBurstOfCardsWaitsOutSlackRateLimits(t *testing.T) {
	clock := slacktest.NewFakeClock(fixedTime)
	h := newHarness(t, withSlackClock(clock))
	h.slack.SetRateLimits(true)
	h.slack.SetRateLimit("chat.postMessage", slacktest.Limit{Calls: 3, Window: time.Second})

	requesters := []string{uAlice, uSam, uBoss} // one a round: no request is asked twice while open
	targets := []string{"carol", "erin", "frank", "gina"}
	n := 0
	for round := range 3 {
		for i, target := range targets {
			text := fmt.Sprintf("reset %s --ticket SUP-%d%d --verified-by callback locked out", target, round, i)
			if _, err := h.slack.SlashCommand(h.ctx(), requesters[round], chSupport, h.command, text); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := clock.AdvanceWhileSleeping(ctx, time.Second, func() bool { return len(h.cards(chSupport)) == n }); err != nil {
		t.Fatalf("%d of %d cards posted: %v; ephemerals: %s", len(h.cards(chSupport)), n, err, h.allEphemeralText())
	}
	h.settle()
	for _, c := range h.cards(chSupport) {
		wantState(t, h.requestOf(c), approval.StatePending)
	}
	if early := h.slack.EarlyCalls("chat.postMessage"); early != 0 {
		t.Errorf("%d posts sent before their Retry-After", early)
	}
	if h.slack.RateLimited("chat.postMessage") == 0 {
		t.Error("Slack never rate-limited the burst: the test proves nothing")
	}
}

// TestFloodBiggerThanThePool: more envelopes at once than the work pool has workers and queue
// room are all acknowledged and all handled, with never more work running than the pool's
// bound.
func TestFloodBiggerThanThePool(t *testing.T) {
	const workers = 2
	h := newHarness(t, withPool(workers, 3))
	h.cog.SetLatency(20 * time.Millisecond)

	requesters := []string{uAlice, uSam, uBoss} // one a round: no request is asked twice while open
	targets := []string{"carol", "erin", "frank", "gina"}
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for round := range 3 {
		for i, target := range targets {
			wg.Go(func() {
				text := fmt.Sprintf("reset %s --ticket SUP-%d%d --verified-by callback locked out", target, round, i)
				_, err := h.slack.SlashCommand(h.ctx(), requesters[round], chSupport, h.command, text)
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a slash command was not acknowledged: %v", err)
		}
	}
	h.settle()
	got := map[string]int{"acked": h.acks.count("slash_commands"), "cards": len(h.cards(chSupport))}
	if diff := cmp.Diff(got, map[string]int{"acked": 12, "cards": 12}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if m := h.maxInFlight.Load(); m > workers || m == 0 {
		t.Errorf("at most %d pieces of work ran at once, want 1 to %d", m, workers)
	}
}
