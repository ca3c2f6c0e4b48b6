package approval_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// TestRunNoticesWaitForTheAction: the approval that claims a run tells "Approved" and
// "Running" only once the run has started its Cognito action: while the user is being looked
// up again, with the claim and its audit event stored, nothing is posted about the run; then
// the notices come in their order, before the result.
func TestRunNoticesWaitForTheAction(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		r := h.submit(sub(prod, policy.ActionReset))
		release := make(chan struct{})
		h.dir.mu.Lock()
		h.dir.holdLookup = func(context.Context) { <-release }
		h.dir.mu.Unlock()
		before := len(h.note.kinds(r.ID))
		done := make(chan *approval.Request)
		go func() {
			got, err := h.svc.ApproveEnvelope(context.Background(), r.ID, lead1, approval.Envelope{ID: "env-1", ReceivedAt: t0})
			if err != nil {
				t.Errorf("ApproveEnvelope: %v", err)
			}
			done <- got
		}()
		synctest.Wait() // the run waits for its lookup; everything else has done what it could
		if got := h.get(r.ID).State; got != approval.StateRunning {
			t.Fatalf("state %s while the user is looked up again, want running", got)
		}
		if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "running"}); diff != "" {
			t.Errorf("audit before the action (-got +want):\n%s", diff)
		}
		if got := h.note.kinds(r.ID)[before:]; len(got) != 0 {
			t.Errorf("told before the action started: %v", got)
		}
		close(release)
		got := <-done
		if got.State != approval.StateSucceeded || h.dir.Calls("run") != 1 {
			t.Fatalf("state %s, %d runs", got.State, h.dir.Calls("run"))
		}
		want := []approval.NoticeKind{approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded}
		if diff := cmp.Diff(h.note.kinds(r.ID)[before:], want); diff != "" {
			t.Errorf("notices (-got +want):\n%s", diff)
		}
		if shown := h.note.shows(r.ID); shown.State != approval.StateSucceeded {
			t.Errorf("the card shows %s, want succeeded", shown.State)
		}
	})
}
