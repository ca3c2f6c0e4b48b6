package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
	"github.com/resetbot/resetbot/store/sqlite"
)

// diedBeforeSaving stores nothing once the request is made: the process it serves died after
// Slack answered chat.postMessage for the card, before the card's thread was saved.
type diedBeforeSaving struct{ *sqlite.DB }

func (diedBeforeSaving) Update(context.Context, *approval.Request, ...approval.Event) error {
	return errors.New("the process died")
}

// UpdateDrawn is the write that saves a posted card's thread.
func (d diedBeforeSaving) UpdateDrawn(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return d.Update(ctx, r, events...)
}

// orphanCard has alice's request for carol submitted by another process on the harness's
// store and Slack, which posts the card and dies before saving where it is. It returns the card
// and its request, which has no thread.
func orphanCard(t *testing.T, h *harness) (slacktest.Message, *approval.Request) {
	t.Helper()
	pol, err := policyfile.NewHolder(examplePolicy, h.bot.log)
	if err != nil {
		t.Fatal(err)
	}
	dying, err := approval.New(approval.Config{Store: diedBeforeSaving{h.store}, Directory: newTestDirectory(t, h.cog.URL(), h.bot.log),
		Policy: pol, Notifier: h.botCfg.Notifier, Logger: h.bot.log, Now: h.clock.Now, NewID: func() string { return "r-0900" }, Owner: "dying"})
	if err != nil {
		t.Fatal(err)
	}
	groups, err := h.botCfg.Notifier.GroupsOf(h.ctx(), uAlice)
	if err != nil {
		t.Fatal(err)
	}
	_, err = dying.Submit(h.ctx(), approval.Submission{Team: teamID, Channel: chSupport, Requester: uAlice, Groups: groups,
		Target: "carol", Action: policy.ActionReset, Ticket: "SUP-9", VerifiedBy: "callback", Reason: "locked out"})
	if err == nil {
		t.Fatal("the dying process saved the card's thread")
	}
	card, r := h.lastCard(chSupport)
	if r.ID != "r-0900" || r.State != approval.StatePending || r.Thread.TS != "" {
		t.Fatalf("left %s %s with thread %+v, want r-0900 pending with none", r.ID, r.State, r.Thread)
	}
	if card.Metadata == nil || card.Metadata.EventType != "resetbot_request" || string(card.Metadata.EventPayload) != `{"request_id":"r-0900"}` {
		t.Fatalf("the card's metadata = %+v, want its request id and nothing else", card.Metadata)
	}
	return card, r
}

// newOrphanHarness is a harness whose fake Slack stamps messages on the bot's clock, as Slack
// and the bot share the time of day.
func newOrphanHarness(t *testing.T) *harness {
	t.Helper()
	return newHarness(t, withSlackClock(slacktest.NewFakeClock(fixedTime)))
}

func TestTheSweeperFindsACardWhoseThreadWasNeverSaved(t *testing.T) {
	h := newOrphanHarness(t)
	card, r := orphanCard(t, h)
	h.clock.Advance(approval.DefaultLease)
	if err := h.svc.Sweep(h.ctx()); err != nil {
		t.Fatal(err)
	}
	found, err := h.svc.Get(h.ctx(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, found, approval.StatePending)
	if want := (approval.Thread{Channel: chSupport, TS: card.TS}); found.Thread != want {
		t.Fatalf("thread %+v, want the card's %+v", found.Thread, want)
	}
	if n := h.slack.Calls("conversations.history"); n != 1 {
		t.Errorf("conversations.history called %d times, want 1", n)
	}

	h.click(uLena, chSupport, card.TS, actionApprove)
	card, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if strings.Contains(card.Content(), "Approve") {
		t.Errorf("the final card still has buttons:\n%s", card.Content())
	}
	wantReplies(t, h, chSupport, card.TS, "Approved (1 of 1)", "Running reset for carol", "✅")
	if n := len(h.cards(chSupport)); n != 1 {
		t.Errorf("%d cards in the channel, want 1", n)
	}
}

func TestAClickAdoptsACardWhoseThreadWasNeverSaved(t *testing.T) {
	h := newOrphanHarness(t)
	card, _ := orphanCard(t, h)
	h.click(uLena, chSupport, card.TS, actionApprove)
	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if r.Thread.TS != card.TS {
		t.Errorf("thread %+v, want the card's ts %s", r.Thread, card.TS)
	}
	wantReplies(t, h, chSupport, card.TS, "Approved (1 of 1)", "Running reset for carol", "✅")
	if n := h.slack.Calls("conversations.history"); n != 0 {
		t.Errorf("conversations.history called %d times: the click said where its card is", n)
	}
	if strings.Contains(h.ephemeralText(uLena), "still being posted") {
		t.Errorf("the click was refused:\n%s", h.ephemeralText(uLena))
	}
}

func TestWithoutTheHistoryScopeTheSweeperWithdrawsAsBefore(t *testing.T) {
	h := newOrphanHarness(t)
	h.slack.RevokeScopes("channels:history")
	card, r := orphanCard(t, h)
	h.clock.Advance(approval.DefaultLease)
	for range 2 {
		if err := h.svc.Sweep(h.ctx()); err != nil {
			t.Fatal(err)
		}
	}
	withdrawn, err := h.svc.Get(h.ctx(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, withdrawn, approval.StateCancelled)
	if !withdrawn.Withdrawn {
		t.Error("the request is cancelled but not withdrawn")
	}
	if n := strings.Count(h.logs.String(), "withdrawn without looking for their cards"); n != 1 {
		t.Errorf("%d log lines say the scope is missing, want 1 (for the one sweep that withdrew):\n%s", n, h.logs.String())
	}

	// A click on the card finds it still: the card is drawn as its request is, without buttons.
	h.click(uLena, chSupport, card.TS, actionApprove)
	card, _ = h.lastCard(chSupport)
	if strings.Contains(card.Content(), "Approve") {
		t.Errorf("the withdrawn request's card still has buttons after a click:\n%s", card.Content())
	}
	if got := h.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("AdminResetUserPassword called %d times for a withdrawn request", got)
	}
}
