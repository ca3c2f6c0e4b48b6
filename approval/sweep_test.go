package approval_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestSweepRemindsOnceThenExpires(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))

	h.clock.Advance(29 * time.Minute)
	h.sweep()
	if got := h.note.kinds(r.ID); len(got) != 0 {
		t.Fatalf("notices before the reminder is due: %v", got)
	}
	h.clock.Advance(time.Minute)
	h.sweep()
	h.sweep()
	n := h.note.last(r.ID)
	if n.Kind != approval.NoticeReminder || n.Text != "Still waiting for 1 approval. It expires in 3 hours and 30 minutes." {
		t.Errorf("reminder %+v", n)
	}
	if got := h.get(r.ID); !got.Reminded || got.State != approval.StatePending {
		t.Errorf("after the reminder: reminded %v, state %s", got.Reminded, got.State)
	}

	h.clock.Advance(3*time.Hour + 30*time.Minute)
	h.sweep()
	h.sweep()
	got := h.get(r.ID)
	if got.State != approval.StateExpired {
		t.Fatalf("state %s, want expired", got.State)
	}
	n = h.note.last(r.ID)
	if n.Kind != approval.NoticeExpired || n.Text != "Expired: it was not decided within 4 hours. Nothing was changed. Make a new request if it is still needed." {
		t.Errorf("expiry notice %+v", n)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{approval.NoticeReminder, approval.NoticeExpired}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "reminded", "expired"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
}

func TestSweepExpiresWithoutReminderWhenBothAreDue(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.clock.Advance(5 * time.Hour)
	h.sweep()
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{approval.NoticeExpired}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
}

// TestSweepInSeveralProcesses runs the sweeper of three processes at once: each reminder and
// each expiry happens once.
func TestSweepInSeveralProcesses(t *testing.T) {
	h := newHarness(t)
	var ids []string
	for i := range 5 {
		ids = append(ids, h.submit(another(sub(prod, policy.ActionReset), i)).ID)
	}
	svcs := []*approval.Service{h.svc, h.second("test-2"), h.second("test-3")}
	sweepAll := func() {
		var wg sync.WaitGroup
		for _, svc := range svcs {
			wg.Go(func() {
				if err := svc.Sweep(t.Context()); err != nil {
					t.Errorf("Sweep: %v", err)
				}
			})
		}
		wg.Wait()
	}
	h.clock.Advance(time.Hour)
	sweepAll()
	h.clock.Advance(4 * time.Hour)
	sweepAll()
	for _, id := range ids {
		if diff := cmp.Diff(h.note.kinds(id), []approval.NoticeKind{approval.NoticeReminder, approval.NoticeExpired}); diff != "" {
			t.Errorf("%s notices (-got +want):\n%s", id, diff)
		}
		if diff := cmp.Diff(h.events(id), []string{"submitted", "reminded", "expired"}); diff != "" {
			t.Errorf("%s audit (-got +want):\n%s", id, diff)
		}
	}
}

func TestSweepResumesAnApprovedRequestNobodyClaimed(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	r = h.get(r.ID)
	r.State = approval.StateApproved
	r.Approvals = []approval.Approval{{By: "U0LEAD001", At: t0}}
	r.UpdatedAt = t0
	if err := h.db.Update(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	// Within a lease of the approval, its approver's process may still be about to claim it.
	h.clock.Advance(time.Minute)
	h.sweep()
	if got := h.get(r.ID).State; got != approval.StateApproved {
		t.Fatalf("swept an approval a minute old: %s", got)
	}
	h.clock.Advance(time.Minute)
	h.sweep()
	if got := h.get(r.ID); got.State != approval.StateSucceeded {
		t.Fatalf("state %s, outcome %q", got.State, got.Outcome)
	}
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs", got)
	}
	h.sweep()
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs after another sweep", got)
	}
}

func TestSweepErrors(t *testing.T) {
	for _, method := range []string{"Due", "EachPending", "Update"} {
		t.Run(method, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(prod, policy.ActionReset))
			approved := h.get(r.ID)
			approved.State = approval.StateApproved
			if err := h.db.Update(t.Context(), approved); err != nil {
				t.Fatal(err)
			}
			h.submit(another(sub(prod, policy.ActionReset), 1))
			h.clock.Advance(5 * time.Hour)
			h.store.setFail(method, errBoom)
			if err := h.svc.Sweep(t.Context()); err == nil || !strings.Contains(err.Error(), "boom") {
				t.Errorf("Sweep with %s failing: %v", method, err)
			}
		})
	}
}

// countingStore counts the sweeps that reach the store.
type countingStore struct {
	approval.Store
	dues atomic.Int32
}

func (c *countingStore) Due(ctx context.Context, now time.Time) ([]*approval.Request, error) {
	c.dues.Add(1)
	return c.Store.Due(ctx, now)
}

func TestRunSweeper(t *testing.T) {
	h := newHarness(t)
	store := &countingStore{Store: h.store}
	cfg := h.cfg
	cfg.Store = store
	svc, err := approval.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			svc.RunSweeper(ctx, time.Minute)
			close(done)
		}()
		synctest.Wait()
		if got := store.dues.Load(); got != 1 {
			t.Errorf("%d sweeps at start, want 1", got)
		}
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		if got := store.dues.Load(); got != 4 {
			t.Errorf("%d sweeps after 3 intervals, want 4", got)
		}
		cancel()
		<-done
	})
}

func TestRunSweeperLogsFailures(t *testing.T) {
	h := newHarness(t)
	h.store.setFail("Due", errBoom)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			h.svc.RunSweeper(ctx, time.Minute)
			close(done)
		}()
		synctest.Wait()
		cancel()
		<-done
	})
	if !strings.Contains(h.logs.String(), `"msg":"sweep failed"`) {
		t.Errorf("the failed sweep was not logged:\n%s", h.logs.String())
	}
}

// leftBehind stores a request as a process that stopped halfway would have left it.
func leftBehind(t *testing.T, h *harness, pool policy.Pool, change func(r *approval.Request)) *approval.Request {
	t.Helper()
	r := &approval.Request{
		ID: "r-left" + pool.Name, State: approval.StatePending, Team: "T1", Channel: "C1",
		Requester: "U0REQ0001", Groups: requesterGroups, Pool: pool, Action: policy.ActionReset,
		Ticket: "SUP-1", VerifiedBy: "callback", Reason: "locked out",
		Target:    approval.Target{Ref: "alice", Username: "alice", Sub: "sub-alice", Groups: []string{"customers"}},
		CreatedAt: h.clock.Now(), UpdatedAt: h.clock.Now(),
	}
	change(r)
	if err := h.db.Create(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSweepWithdrawsARequestWithoutCard(t *testing.T) {
	h := newHarness(t)
	r := leftBehind(t, h, prod, func(r *approval.Request) { r.Rule, r.ApprovalsNeeded = "prod-support", 1 })
	h.sweep()
	if got := h.get(r.ID).State; got != approval.StatePending {
		t.Fatalf("withdrew a fresh request: %s", got)
	}
	h.clock.Advance(2 * time.Minute)
	h.sweep()
	got := h.get(r.ID)
	if got.State != approval.StateCancelled || got.DecidedBy != "system" {
		t.Fatalf("state %s by %q", got.State, got.DecidedBy)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"cancelled"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
}

func TestSweepRunsARequestThatNeedsNoApproval(t *testing.T) {
	h := newHarness(t)
	r := leftBehind(t, h, dev, func(r *approval.Request) {
		r.Rule = "dev-any"
		r.Thread = approval.Thread{Channel: "C1", TS: "1700000000.000009"}
	})
	h.clock.Advance(2 * time.Minute)
	h.sweep()
	if got := h.get(r.ID); got.State != approval.StateSucceeded {
		t.Fatalf("state %s, outcome %q", got.State, got.Outcome)
	}
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs", got)
	}
}
