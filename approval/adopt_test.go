package approval_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// orphan submits a request whose card is posted but whose thread is never saved, as a process
// that died between the two leaves it, and returns it with the card Slack shows.
func orphan(t *testing.T, h *harness, s approval.Submission) (*approval.Request, approval.Thread) {
	t.Helper()
	h.store.failTimes("Update", 1, errors.New("the process died"))
	if _, err := h.svc.Submit(t.Context(), s); err == nil {
		t.Fatal("Submit saved the thread of a card it was meant to lose")
	}
	ids := h.note.cards
	id := ids[len(ids)-1]
	r := h.get(id)
	if r.State != approval.StatePending || r.Thread.TS != "" {
		t.Fatalf("left %s with thread %+v, want pending with none", r.State, r.Thread)
	}
	return r, h.note.posted[id]
}

func TestSweepFindsACardWhoseThreadWasNeverSaved(t *testing.T) {
	h := newHarness(t)
	r, card := orphan(t, h, sub(prod, policy.ActionReset))
	h.clock.Advance(2 * time.Minute)
	h.sweep()
	got := h.get(r.ID)
	if got.State != approval.StatePending || got.Thread != card {
		t.Fatalf("after the sweep: %s with thread %+v, want pending with the card's %+v", got.State, got.Thread, card)
	}
	if diff := cmp.Diff([]string{"submitted"}, h.events(r.ID)); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	if got := h.approve(r.ID, lead1); got.State != approval.StateSucceeded {
		t.Fatalf("approved: %s, outcome %q", got.State, got.Outcome)
	}
	var kinds []approval.NoticeKind
	for _, n := range h.note.all() {
		if n.ID != r.ID {
			continue
		}
		kinds = append(kinds, n.Kind)
		if n.Thread != card {
			t.Errorf("the %s notice went to %+v, not the card's thread %+v", n.Kind, n.Thread, card)
		}
	}
	if diff := cmp.Diff([]approval.NoticeKind{approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded}, kinds); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
}

func TestSweepLooksForTheCardAgainAfterASlackError(t *testing.T) {
	h := newHarness(t)
	r, card := orphan(t, h, sub(prod, policy.ActionReset))
	h.note.findErr = errors.New("slack: 500 Internal Server Error")
	h.clock.Advance(2 * time.Minute)
	h.sweep()
	if got := h.get(r.ID); got.State != approval.StatePending || got.Thread.TS != "" {
		t.Fatalf("after a Slack error: %s with thread %+v, want pending, untouched", got.State, got.Thread)
	}
	if !strings.Contains(h.logs.String(), "trying again at the next sweep") {
		t.Errorf("the failed search was not logged:\n%s", h.logs.String())
	}
	h.note.findErr = nil
	h.sweep()
	if got := h.get(r.ID); got.Thread != card {
		t.Fatalf("the next sweep left thread %+v, want the card's %+v", got.Thread, card)
	}
}

func TestSweepWithdrawsWhenNoCardIsFound(t *testing.T) {
	tests := []struct {
		name string
		err  error
		logs int // lines saying the scope is missing
	}{
		{"no card in the channel", nil, 0},
		{"the app lacks the scope", &approval.Error{Code: approval.ENOSCOPE, Message: "no scope"}, 1},
		{"the bot cannot read the channel", &approval.Error{Code: approval.ENOCHANNEL, Message: "not in channel"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r1 := leftBehind(t, h, prod, func(r *approval.Request) { r.ID, r.Rule, r.ApprovalsNeeded = "r-one", "prod-support", 1 })
			r2 := leftBehind(t, h, prod, func(r *approval.Request) { r.ID, r.Rule, r.ApprovalsNeeded = "r-two", "prod-support", 1 })
			h.note.findErr = tt.err
			h.clock.Advance(2 * time.Minute)
			h.sweep()
			for _, id := range []string{r1.ID, r2.ID} {
				if got := h.get(id); got.State != approval.StateCancelled || !got.Withdrawn {
					t.Errorf("%s: %s (withdrawn %v), want withdrawn", id, got.State, got.Withdrawn)
				}
			}
			if got := strings.Count(h.logs.String(), "withdrawn without looking for their cards"); got != tt.logs {
				t.Errorf("%d log lines say the scope is missing, want %d:\n%s", got, tt.logs, h.logs.String())
			}
		})
	}
}

func TestAClickAdoptsItsCard(t *testing.T) {
	h := newHarness(t)
	r, card := orphan(t, h, sub(prod, policy.ActionReset))
	got, err := h.svc.Approve(approval.WithCard(t.Context(), card), r.ID, lead1)
	if err != nil {
		t.Fatalf("Approve from the card: %v", err)
	}
	if got.State != approval.StateSucceeded || got.Thread != card {
		t.Fatalf("approved: %s with thread %+v, want succeeded in the card's %+v", got.State, got.Thread, card)
	}
	if n := h.note.last(r.ID); n.Kind != approval.NoticeSucceeded || n.Thread != card {
		t.Errorf("last notice %s in %+v", n.Kind, n.Thread)
	}
}

func TestAClickOnTheCardOfASettledRequestDrawsItAgain(t *testing.T) {
	h := newHarness(t)
	r := leftBehind(t, h, prod, func(r *approval.Request) {
		r.Rule, r.ApprovalsNeeded, r.ExpiresAt = "prod-support", 1, h.clock.Now().Add(time.Minute)
	})
	h.clock.Advance(time.Minute)
	h.sweep() // expires it; its expiry cannot be told, it has no thread
	card := approval.Thread{Channel: r.Channel, TS: "1700000000.000042"}
	_, err := h.svc.Approve(approval.WithCard(t.Context(), card), r.ID, lead1)
	wantCode(t, err, approval.ECONFLICT)
	got := h.get(r.ID)
	if got.State != approval.StateExpired || got.Thread != card {
		t.Fatalf("after the click: %s with thread %+v", got.State, got.Thread)
	}
	var drawn []approval.State
	for _, u := range h.note.updates {
		if u.ID == r.ID {
			drawn = append(drawn, u.State)
		}
	}
	if len(drawn) == 0 || drawn[len(drawn)-1] != approval.StateExpired {
		t.Errorf("the card was drawn as %v, want expired last", drawn)
	}
	// Drawn by the click, and marked so: no sweeper draws it again.
	behind, err := h.db.CardsBehind(t.Context(), h.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range behind {
		if b.ID == r.ID {
			t.Errorf("the card the click drew is listed behind its request (version %d)", b.Version)
		}
	}
}

func TestAClickInAnotherChannelIsNotTheCard(t *testing.T) {
	h := newHarness(t)
	r, _ := orphan(t, h, sub(prod, policy.ActionReset))
	elsewhere := approval.Thread{Channel: "C0OTHER", TS: "1700000000.000099"}
	_, err := h.svc.Approve(approval.WithCard(t.Context(), elsewhere), r.ID, lead1)
	wantCode(t, err, approval.ECONFLICT) // its card is still being posted, as far as anyone can tell
	if got := h.get(r.ID); got.Thread.TS != "" {
		t.Fatalf("a message in another channel became the thread: %+v", got.Thread)
	}
}

func TestACardPostedDespiteAnErrorAndClickedIsNotWithdrawn(t *testing.T) {
	h := newHarness(t)
	h.note.cardErr = errors.New("slack: context deadline exceeded")
	var card approval.Thread
	h.note.onCard = func(r *approval.Request) {
		// Slack posted the card after all, and a lead clicked it before the post's answer was lost.
		card = approval.Thread{Channel: r.Channel, TS: "1700000000.000777"}
		if _, err := h.svc.Approve(approval.WithCard(t.Context(), card), r.ID, lead1); err != nil {
			t.Errorf("Approve from the card: %v", err)
		}
	}
	r, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if r.Withdrawn || r.Thread != card || r.State != approval.StateSucceeded {
		t.Fatalf("submitted: %s (withdrawn %v) with thread %+v, want succeeded in the card's %+v", r.State, r.Withdrawn, r.Thread, card)
	}
}
