package approval_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// approveAll has n approvers approve one request at once, spread over the given services (one
// per process), and returns how many calls succeeded and the error codes of the others.
func approveAll(t *testing.T, svcs []*approval.Service, id string, n int, approver func(i int) policy.Approver) (int, map[string]int) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		ok    int
		codes = map[string]int{}
		start = make(chan struct{})
	)
	for i := range n {
		svc := svcs[i%len(svcs)]
		wg.Go(func() {
			<-start
			_, err := svc.Approve(t.Context(), id, approver(i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				codes[approval.ErrorCode(err)]++
				return
			}
			ok++
		})
	}
	close(start)
	wg.Wait()
	return ok, codes
}

func lead(i int) policy.Approver {
	return policy.Approver{User: fmt.Sprintf("U0LEAD%04d", i), Groups: []string{"@leads"}}
}

// TestHundredApproversRunOnce: 100 approvers click Approve at the same moment, spread over
// three processes sharing the database; the action runs once.
func TestHundredApproversRunOnce(t *testing.T) {
	for _, pool := range []policy.Pool{prod, dual} {
		t.Run(pool.Name, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(pool, policy.ActionReset))
			svcs := []*approval.Service{h.svc, h.second("test-2"), h.second("test-3")}
			ok, codes := approveAll(t, svcs, r.ID, 100, lead)
			for _, svc := range svcs {
				svc.Wait()
			}
			if got := h.dir.Calls("run"); got != 1 {
				t.Fatalf("%d runs, want 1", got)
			}
			got := h.get(r.ID)
			if got.State != approval.StateSucceeded {
				t.Fatalf("state %s, outcome %q", got.State, got.Outcome)
			}
			if ok != r.ApprovalsNeeded || len(got.Approvals) != r.ApprovalsNeeded {
				t.Errorf("%d approvals counted, %d stored; want %d", ok, len(got.Approvals), r.ApprovalsNeeded)
			}
			if diff := cmp.Diff(codes, map[string]int{approval.ECONFLICT: 100 - r.ApprovalsNeeded}); diff != "" {
				t.Errorf("the losers' errors (-got +want):\n%s", diff)
			}
			kinds := h.note.kinds(r.ID)
			if n := count(kinds, approval.NoticeRunning); n != 1 {
				t.Errorf("%d running notices", n)
			}
			if n := count(kinds, approval.NoticeSucceeded); n != 1 {
				t.Errorf("%d succeeded notices", n)
			}
		})
	}
}

// TestDoubleClick: one approver's click delivered many times at once counts once.
func TestDoubleClick(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	ok, codes := approveAll(t, []*approval.Service{h.svc, h.second("test-2")}, r.ID, 20, func(int) policy.Approver { return lead2 })
	if ok != 1 {
		t.Errorf("%d clicks counted, want 1", ok)
	}
	if diff := cmp.Diff(codes, map[string]int{approval.ECONFLICT: 19}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if got := h.get(r.ID); got.State != approval.StatePending || len(got.Approvals) != 1 {
		t.Errorf("state %s, %d approvals", got.State, len(got.Approvals))
	}
}

// TestApproveAndDenyRace: approvals and denials at once end in one decision, and the action
// runs at most once.
func TestApproveAndDenyRace(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if i%2 == 0 {
				_, _ = h.svc.Approve(t.Context(), r.ID, lead(i))
			} else {
				_, _ = h.svc.Deny(t.Context(), r.ID, lead(i), "no")
			}
		})
	}
	wg.Wait()
	got := h.get(r.ID)
	runs := h.dir.Calls("run")
	switch got.State {
	case approval.StateSucceeded:
		if runs != 1 {
			t.Errorf("succeeded with %d runs", runs)
		}
	case approval.StateDenied:
		if runs != 0 {
			t.Errorf("denied with %d runs", runs)
		}
	default:
		t.Errorf("state %s", got.State)
	}
}

func count(kinds []approval.NoticeKind, k approval.NoticeKind) int {
	n := 0
	for _, x := range kinds {
		if x == k {
			n++
		}
	}
	return n
}

// TestRestartFindsPendingRequests: a process stops with requests pending; the next one on the
// same database approves and runs them.
func TestRestartFindsPendingRequests(t *testing.T) {
	h := newHarness(t)
	first := []*approval.Request{
		h.submit(sub(prod, policy.ActionReset)),
		h.submit(sub(prod, policy.ActionTempPassword)),
	}
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}

	next := h.second("test-2")
	if err := next.Sweep(t.Context()); err != nil {
		t.Fatalf("Sweep after the restart: %v", err)
	}
	for _, r := range first {
		got, err := next.Approve(t.Context(), r.ID, lead1)
		if err != nil {
			t.Fatalf("Approve %s after the restart: %v", r.ID, err)
		}
		if got.State != approval.StateSucceeded || got.LeaseOwner != "test-2" {
			t.Errorf("%s: state %s, run by %q", r.ID, got.State, got.LeaseOwner)
		}
	}
	if got := h.dir.Calls("run"); got != 2 {
		t.Errorf("%d runs, want 2", got)
	}
}

// TestCrashBetweenClaimAndResult: a process claims a run, calls Cognito and dies before it
// records the result. After the lease, another process marks the run interrupted and never
// runs it again.
func TestCrashBetweenClaimAndResult(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))

	// The first process dies while Cognito works: it cannot record anything more.
	first, crash := h.crashable(h.cfg)
	h.dir.hold = func(context.Context) { crash() }
	if _, err := first.Approve(t.Context(), r.ID, lead1); err == nil {
		t.Fatal("Approve recorded a result on a closed store")
	}
	h.dir.hold = nil
	if got := h.dir.Calls("run"); got != 1 {
		t.Fatalf("%d runs", got)
	}

	next := h.second("test-2")
	store := h.db
	if got, _ := store.Get(t.Context(), r.ID); got.State != approval.StateRunning || got.LeaseOwner != "test-1" {
		t.Fatalf("after the crash: state %s, owner %q", got.State, got.LeaseOwner)
	}
	// Within the lease, the run is left alone.
	h.clock.Advance(time.Minute)
	if err := next.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Get(t.Context(), r.ID); got.State != approval.StateRunning {
		t.Fatalf("state %s within the lease", got.State)
	}
	h.clock.Advance(time.Minute)
	if err := next.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, _ := store.Get(t.Context(), r.ID)
	if got.State != approval.StateInterrupted || got.Outcome == "" {
		t.Fatalf("state %s, outcome %q; want interrupted", got.State, got.Outcome)
	}
	if n := h.note.last(r.ID); n.Kind != approval.NoticeInterrupted || n.Text != got.Outcome {
		t.Errorf("notice %+v", n)
	}
	events, _ := store.Events(t.Context(), r.ID)
	if last := events[len(events)-1]; last.Kind != "interrupted" || last.Detail != "lease of test-1 ran out" {
		t.Errorf("last event %+v", last)
	}

	// Nothing brings it back.
	for range 3 {
		h.clock.Advance(time.Hour)
		if err := next.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	_, err := next.Approve(t.Context(), r.ID, lead2)
	wantCode(t, err, approval.ECONFLICT)
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs after the interruption, want 1", got)
	}
}

// TestHungRunFinishesAfterInterruption: a run outlives its lease, another process marks it
// interrupted, then the call returns. The state stays interrupted and the thread tells that
// one outcome alone, never done on top; the audit trail gets the real outcome.
func TestHungRunFinishesAfterInterruption(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	other := h.second("test-2")
	h.dir.hold = func(context.Context) {
		// "Running" is posted in the background while Cognito is called. A lease lasts minutes,
		// far longer than that post takes, so it is out before anyone can find the lease run
		// out; here the clock jumps, so wait for it.
		if err := h.note.waitNotice(t.Context(), r.ID, approval.NoticeRunning); err != nil {
			t.Error(err)
		}
		h.clock.Advance(3 * time.Minute)
		if err := other.Sweep(t.Context()); err != nil {
			t.Errorf("Sweep: %v", err)
		}
	}
	_, err := h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.ECONFLICT)
	if got := h.get(r.ID).State; got != approval.StateInterrupted {
		t.Errorf("state %s", got)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "running", "interrupted", "result_not_recorded"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	last := h.eventList(r.ID)[4]
	if last.AWSRequestID != "aws-1" || last.Detail != "succeeded" {
		t.Errorf("last event %+v", last)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{
		approval.NoticeApproved, approval.NoticeRunning, approval.NoticeInterrupted,
	}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
}
