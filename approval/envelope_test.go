package approval_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// TestApprovalDeliveredAgainIsDropped: Slack delivers a click again with the same envelope id.
// The first delivery's decision claimed the envelope in its own write (or, when it wrote
// nothing, on its own before answering), so the second changes nothing, audits nothing and
// tells nobody, whatever the first one came to.
func TestApprovalDeliveredAgainIsDropped(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pool     policy.Pool
		approver policy.Approver
		code     string // the first delivery's error code; "" for none
		events   []string
		notices  []approval.NoticeKind
		runs     int
	}{
		{"the approval that runs the request", prod, lead1, "", []string{"submitted", "approved", "running", "succeeded"},
			[]approval.NoticeKind{approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded}, 1},
		{"one approval of two", dual, lead2, "", []string{"submitted", "approved"}, []approval.NoticeKind{approval.NoticeApproved}, 0},
		{"a refused approver", prod, outsider, approval.EFORBIDDEN, []string{"submitted", "approval_refused"}, []approval.NoticeKind{}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(tt.pool, policy.ActionReset))
			e := approval.Envelope{ID: "env-1", ReceivedAt: t0}
			_, err := h.svc.ApproveEnvelope(t.Context(), r.ID, tt.approver, e)
			if approval.ErrorCode(err) != tt.code {
				t.Fatalf("first delivery: %v, want code %q", err, tt.code)
			}
			again, err := h.svc.ApproveEnvelope(t.Context(), r.ID, tt.approver, e)
			if !errors.Is(err, approval.ErrClaimedBefore) || again != nil {
				t.Errorf("second delivery: %v, %v; want ErrClaimedBefore", again, err)
			}
			h.svc.Wait()
			if diff := cmp.Diff(h.events(r.ID), tt.events); diff != "" {
				t.Errorf("audit (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(h.note.kinds(r.ID), tt.notices); diff != "" {
				t.Errorf("notices (-got +want):\n%s", diff)
			}
			if got := h.dir.Calls("run"); got != tt.runs {
				t.Errorf("%d runs, want %d", got, tt.runs)
			}
			if first, err := h.db.ClaimEnvelope(t.Context(), e.ID, t0); err != nil || first {
				t.Errorf("ClaimEnvelope after both deliveries: %v, %v; want the envelope claimed", first, err)
			}
		})
	}
}

// TestLastApprovalLooksUpWhileItsClaimIsWritten: the approval that completes a request starts
// looking the user up again before the write that claims its run goes in, not after, and the
// run uses that lookup: one lookup at submit, one for the run.
func TestLastApprovalLooksUpWhileItsClaimIsWritten(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	looked := make(chan struct{})
	var once sync.Once
	h.dir.mu.Lock()
	h.dir.holdLookup = func(context.Context) { once.Do(func() { close(looked) }) }
	h.dir.mu.Unlock()
	h.store.setBeforeWrite(func(w *approval.Request) {
		if w.State != approval.StateRunning {
			return
		}
		select {
		case <-looked:
		case <-time.After(time.Minute):
			t.Error("the claim of the run was written before the user was looked up again")
		}
	})
	got, err := h.svc.ApproveEnvelope(t.Context(), r.ID, lead1, approval.Envelope{ID: "env-1", ReceivedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != approval.StateSucceeded || h.dir.Calls("run") != 1 {
		t.Errorf("state %s, %d runs", got.State, h.dir.Calls("run"))
	}
	if n := h.dir.Calls("lookup"); n != 2 {
		t.Errorf("%d lookups, want 2 (submit, run)", n)
	}
}

// TestLookupAheadOfALostClaim: the requester cancels while the last approval's write is under
// way and its lookup started. The write loses its compare-and-swap, the decision read again is
// refused, and nothing runs: the lookup made ahead is dropped, and has returned by the time
// the approval is answered (Cognito answers it only once it is given up).
func TestLookupAheadOfALostClaim(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.dir.mu.Lock()
	h.dir.holdLookup = func(ctx context.Context) { <-ctx.Done() }
	h.dir.mu.Unlock()
	var once sync.Once
	h.store.setBeforeWrite(func(w *approval.Request) {
		if w.State != approval.StateRunning {
			return
		}
		once.Do(func() {
			if _, err := h.svc.Cancel(t.Context(), r.ID, "U0REQ0001"); err != nil {
				t.Errorf("Cancel: %v", err)
			}
		})
	})
	_, err := h.svc.ApproveEnvelope(t.Context(), r.ID, lead1, approval.Envelope{ID: "env-1", ReceivedAt: t0})
	wantCode(t, err, approval.ECONFLICT)
	if n := h.dir.Calls("lookup"); n != 2 {
		t.Errorf("%d lookups returned when the approval was answered, want 2 (submit, the lookup ahead)", n)
	}
	h.svc.Wait()
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("%d runs after the claim was lost", got)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "cancelled"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if got := h.get(r.ID).State; got != approval.StateCancelled {
		t.Errorf("state %s, want cancelled", got)
	}
}
