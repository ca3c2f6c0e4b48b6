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
			got, err := h.svc.ApproveEnvelope(t.Context(), r.ID, lead1, approval.Envelope{ID: "env-1", ReceivedAt: t0})
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

// TestRunNoticesWaitForEarlierRuns: two approvals at once. The one clicked second reaches
// Cognito first; its notices wait until the run approved before it has started its action
// too, and are then told while its own action is still under way.
func TestRunNoticesWaitForEarlierRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		first := h.submit(sub(prod, policy.ActionReset))
		second := h.submit(another(sub(prod, policy.ActionReset), 1))
		before := len(h.note.kinds(second.ID))
		lookupFirst, runSecond := make(chan struct{}), make(chan struct{})
		var lookups, runs int
		h.dir.mu.Lock()
		h.dir.holdLookup = func(context.Context) {
			h.dir.mu.Lock()
			lookups++
			n := lookups
			h.dir.mu.Unlock()
			if n == 1 {
				<-lookupFirst // the first click's run looks the user up slowly
			}
		}
		h.dir.hold = func(context.Context) {
			h.dir.mu.Lock()
			runs++
			n := runs
			h.dir.mu.Unlock()
			if n == 1 {
				<-runSecond // the second click's action takes its time
			}
		}
		h.dir.mu.Unlock()
		done := make(chan struct{}, 2)
		approve := func(id string, a policy.Approver) {
			if _, err := h.svc.Approve(t.Context(), id, a); err != nil {
				t.Errorf("Approve(%s): %v", id, err)
			}
			done <- struct{}{}
		}
		go approve(first.ID, lead1)
		synctest.Wait() // the first run waits for its lookup
		go approve(second.ID, lead1)
		synctest.Wait() // the second run is in its action
		h.dir.mu.Lock()
		started := runs
		h.dir.mu.Unlock()
		if started != 1 || h.dir.Calls("run") != 0 {
			t.Fatalf("%d actions started, %d done; want the second click's started only", started, h.dir.Calls("run"))
		}
		if got := h.note.kinds(second.ID)[before:]; len(got) != 0 {
			t.Errorf("the second run told %v while the first had not started its action", got)
		}
		close(lookupFirst)
		synctest.Wait() // the first run is done; the second's action still under way
		want := []approval.NoticeKind{approval.NoticeApproved, approval.NoticeRunning}
		if diff := cmp.Diff(h.note.kinds(second.ID)[before:], want); diff != "" {
			t.Errorf("the second run's notices once the first started its action (-got +want):\n%s", diff)
		}
		close(runSecond)
		<-done
		<-done
		want = append(want, approval.NoticeSucceeded)
		if diff := cmp.Diff(h.note.kinds(second.ID)[before:], want); diff != "" {
			t.Errorf("the second run's notices (-got +want):\n%s", diff)
		}
	})
}

// TestStartsDone: StartsDone is closed at once when no click is on its way to Cognito; while
// one is, it is closed once that click's run has started its action, whatever comes after.
func TestStartsDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		r := h.submit(sub(prod, policy.ActionReset))
		select {
		case <-h.svc.StartsDone():
		default:
			t.Fatal("StartsDone not closed with nothing on its way to Cognito")
		}
		release := make(chan struct{})
		h.dir.mu.Lock()
		h.dir.holdLookup = func(context.Context) { <-release }
		h.dir.mu.Unlock()
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := h.svc.Approve(t.Context(), r.ID, lead1); err != nil {
				t.Errorf("Approve: %v", err)
			}
		}()
		synctest.Wait() // the run waits for its lookup
		started := h.svc.StartsDone()
		synctest.Wait()
		select {
		case <-started:
			t.Fatal("StartsDone closed while the run waits for its lookup")
		default:
		}
		close(release)
		<-started
		<-done
		if got := h.dir.Calls("run"); got != 1 {
			t.Errorf("%d runs, want 1", got)
		}
	})
}
