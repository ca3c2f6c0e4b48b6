package approval_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// errSlackDown is Slack refusing every card update.
var errSlackDown = errors.New("slack: internal_error")

// cardOf is what a card shows when drawn from r.
func cardOf(r *approval.Request) cardUpdate {
	return cardUpdate{ID: r.ID, State: r.State, Version: r.Version}
}

// TestCardLeftBehindIsDrawnBySweeper: Slack refuses the card updates of a run's steps, so the
// card of a request that succeeded still shows it waiting for approval. A sweep leaves it while
// its teller may still be at work; once the request has stayed unchanged for CardSettle, the
// sweep draws it from the stored request and marks it drawn, and the next sweeps leave it.
func TestCardLeftBehindIsDrawnBySweeper(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	posted := h.note.shows(r.ID)

	h.note.setDrawErr(errSlackDown)
	h.approve(r.ID, lead1)
	h.svc.Wait()
	h.note.setDrawErr(nil)
	done := h.get(r.ID)
	if done.State != approval.StateSucceeded {
		t.Fatalf("state %s, want succeeded", done.State)
	}
	if diff := cmp.Diff(h.note.shows(r.ID), posted); diff != "" {
		t.Fatalf("the card after its updates failed (-got +want):\n%s", diff)
	}
	if got := h.note.kinds(r.ID); len(got) == 0 {
		t.Errorf("no notice was posted: %v", got)
	}

	h.clock.Advance(approval.CardSettle - time.Second)
	h.sweep()
	if diff := cmp.Diff(h.note.shows(r.ID), posted); diff != "" {
		t.Errorf("a sweep drew the card before it settled (-got +want):\n%s", diff)
	}

	h.clock.Advance(2 * time.Second)
	h.sweep()
	if diff := cmp.Diff(h.note.shows(r.ID), cardOf(done)); diff != "" {
		t.Errorf("the card after a sweep (-got +want):\n%s", diff)
	}
	drawn := h.note.drawn()
	h.clock.Advance(time.Hour)
	h.sweep()
	h.sweep()
	if got := h.note.drawn(); got != drawn {
		t.Errorf("%d more card updates by the sweeps after it was drawn, want none", got-drawn)
	}
	if diff := cmp.Diff(h.get(r.ID), done); diff != "" {
		t.Errorf("the request after the sweeps (-got +want):\n%s", diff)
	}
}

// TestCardOfAProcessThatDiedIsDrawnByAnother: a process stores a denial and dies as it starts
// telling it, so neither the notice nor the card update reaches Slack. Another process's sweep
// draws the card as denied once it settled; the lost notice is not posted again (notices are
// told at most once).
func TestCardOfAProcessThatDiedIsDrawnByAnother(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	h.approve(r.ID, lead2)
	approvedOnce := h.get(r.ID)
	if diff := cmp.Diff(h.note.shows(r.ID), cardOf(approvedOnce)); diff != "" {
		t.Fatalf("the card after the first approval (-got +want):\n%s", diff)
	}

	lost := &fakeNotifier{} // what the dying process would have told: it never reaches Slack
	cfg := h.cfg
	cfg.Notifier, cfg.Owner = lost, "test-dies"
	first, crash := h.crashable(cfg)
	lost.onNotify = func(*approval.Request, approval.Notice) { crash() }
	if _, err := first.Deny(t.Context(), r.ID, lead3, "not this one"); err != nil {
		t.Fatalf("Deny: %v", err)
	}

	next := h.second("test-2")
	denied, err := h.db.Get(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if denied.State != approval.StateDenied {
		t.Fatalf("state %s after the denial, want denied", denied.State)
	}
	notices := h.note.kinds(r.ID)
	h.clock.Advance(approval.CardSettle + time.Second)
	if err := next.Sweep(t.Context()); err != nil {
		t.Fatalf("Sweep: %v", err)
	}
	if diff := cmp.Diff(h.note.shows(r.ID), cardOf(denied)); diff != "" {
		t.Errorf("the card after another process's sweep (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), notices); diff != "" {
		t.Errorf("notices posted by the sweep (-got +want):\n%s", diff)
	}
}

// TestCardSlackRefusesIsLeftAfterAWhile: a card Slack keeps refusing to update (its message was
// deleted) is tried at every sweep while its request changed less than CardGiveUp ago, then
// marked drawn and left alone; the sweep itself goes on.
func TestCardSlackRefusesIsLeftAfterAWhile(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	h.note.setDrawErr(errSlackDown)
	h.approve(r.ID, lead2)

	h.clock.Advance(approval.CardSettle + time.Second)
	if err := h.svc.Sweep(t.Context()); !errors.Is(err, errSlackDown) {
		t.Errorf("Sweep = %v, want Slack's refusal", err)
	}
	tries := h.note.drawn()
	h.clock.Advance(approval.CardGiveUp)
	h.sweep()
	if got := h.note.drawn(); got != tries+1 {
		t.Errorf("%d card updates tried by the sweep past CardGiveUp, want 1", got-tries)
	}
	h.sweep()
	if got := h.note.drawn(); got != tries+1 {
		t.Errorf("%d card updates tried after the card was left, want none", got-tries-1)
	}
}
