package approval_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestApproveRunsOnTheLastApproval(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))

	r = h.approve(r.ID, lead2)
	if r.State != approval.StatePending || len(r.Approvals) != 1 {
		t.Fatalf("after one of two approvals: state %s, %d approvals", r.State, len(r.Approvals))
	}
	if got := h.note.last(r.ID).Text; got != "Approved (1 of 2). Waiting for 1 more approval." {
		t.Errorf("notice %q", got)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Fatalf("ran after one of two approvals")
	}

	h.clock.Advance(time.Minute)
	r = h.approve(r.ID, lead3)
	if r.State != approval.StateSucceeded {
		t.Fatalf("after two approvals: state %s, outcome %q", r.State, r.Outcome)
	}
	want := []approval.Approval{{By: "U0LEAD002", At: t0, Groups: []string{"@leads"}}, {By: "U0LEAD003", At: t0.Add(time.Minute), Groups: []string{"@leads"}}}
	if diff := cmp.Diff(r.Approvals, want); diff != "" {
		t.Errorf("approvals (-got +want):\n%s", diff)
	}
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs, want 1", got)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{
		approval.NoticeApproved, approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded,
	}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "approved", "running", "succeeded"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if r.LeaseOwner != "test-1" || !r.LeaseUntil.IsZero() {
		t.Errorf("lease after the run: owner %q until %v", r.LeaseOwner, r.LeaseUntil)
	}
	_, approved, ran := h.obs.counts()
	if approved != 2 || ran["reset/succeeded"] != 1 {
		t.Errorf("observer: %d approvals, runs %v", approved, ran)
	}
}

func TestApproveRefusals(t *testing.T) {
	tests := []struct {
		name    string
		pool    policy.Pool
		before  []policy.Approver // approvals given first
		by      policy.Approver
		code    string
		message string
		audit   bool // an approval_refused event
	}{
		{name: "requester approves own", pool: prod, by: policy.Approver{User: "U0REQ0001", Groups: []string{"@leads"}},
			code: approval.EFORBIDDEN, message: "You cannot approve your own request; someone else must.", audit: true},
		{name: "not an approver", pool: prod, by: outsider,
			code: approval.EFORBIDDEN, message: "Only @leads or U0LEAD001 may approve this request.", audit: true},
		{name: "second click", pool: dual, before: []policy.Approver{lead2}, by: lead2,
			code: approval.ECONFLICT, message: "You have already approved this request."},
		{name: "after the run", pool: prod, before: []policy.Approver{lead1}, by: lead2,
			code: approval.ECONFLICT, message: "This request has already run."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(tt.pool, policy.ActionReset))
			for _, a := range tt.before {
				h.approve(r.ID, a)
			}
			before := h.get(r.ID)
			events := len(h.events(r.ID))
			got, err := h.svc.Approve(t.Context(), r.ID, tt.by)
			if got != nil {
				t.Errorf("Approve returned %+v", got)
			}
			wantCode(t, err, tt.code)
			if msg := approval.ErrorMessage(err); msg != tt.message {
				t.Errorf("message %q, want %q", msg, tt.message)
			}
			if diff := cmp.Diff(h.get(r.ID), before); diff != "" {
				t.Errorf("a refused approval changed the request (-got +want):\n%s", diff)
			}
			kinds := h.events(r.ID)[events:]
			wantKinds := []string{}
			if tt.audit {
				wantKinds = []string{"approval_refused"}
			}
			if diff := cmp.Diff(kinds, wantKinds); diff != "" {
				t.Errorf("audit (-got +want):\n%s", diff)
			}
		})
	}
}

func TestApproveUnknownRequest(t *testing.T) {
	h := newHarness(t)
	_, err := h.svc.Approve(t.Context(), "r-none", lead1)
	wantCode(t, err, approval.ENOTFOUND)
}

func TestSelfApprovalWhereTheRuleAllowsIt(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(selfish, policy.ActionReset))
	r = h.approve(r.ID, policy.Approver{User: "U0REQ0001", Groups: requesterGroups})
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s, outcome %q", r.State, r.Outcome)
	}
}

func TestApproveAfterExpiry(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.clock.Advance(4 * time.Hour)
	_, err := h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.ECONFLICT)
	if msg := approval.ErrorMessage(err); msg != "This request expired before it was decided." {
		t.Errorf("message %q", msg)
	}
	if got := h.get(r.ID).State; got != approval.StateExpired {
		t.Errorf("state %s, want expired", got)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("an expired request ran")
	}
	for name, decide := range map[string]func() error{
		"deny":   func() error { _, err := h.svc.Deny(t.Context(), r.ID, lead1, "no"); return err },
		"cancel": func() error { _, err := h.svc.Cancel(t.Context(), r.ID, "U0REQ0001"); return err },
	} {
		if err := decide(); approval.ErrorCode(err) != approval.ECONFLICT {
			t.Errorf("%s after expiry: %v, want a conflict", name, err)
		}
	}
}

func TestDecisionsExpireARequestPastItsTime(t *testing.T) {
	for name, decide := range map[string]func(h *harness, id string) error{
		"deny": func(h *harness, id string) error {
			_, err := h.svc.Deny(t.Context(), id, lead1, "no")
			return err
		},
		"cancel": func(h *harness, id string) error {
			_, err := h.svc.Cancel(t.Context(), id, "U0REQ0001")
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(prod, policy.ActionReset))
			h.clock.Advance(5 * time.Hour)
			wantCode(t, decide(h, r.ID), approval.ECONFLICT)
			if got := h.get(r.ID).State; got != approval.StateExpired {
				t.Errorf("state %s, want expired", got)
			}
			if got := h.note.last(r.ID).Kind; got != approval.NoticeExpired {
				t.Errorf("last notice %s, want expired", got)
			}
		})
	}
}

func TestApproveWhenThePolicyChanged(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.setPolicy(strings.Replace(testPolicy, "actions: [reset, temp-password, verify-email, verify-phone, signout]", "actions: [temp-password]", 1))
	_, err := h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.EFORBIDDEN)
	if msg := approval.ErrorMessage(err); !strings.HasPrefix(msg, "This request can no longer be approved: the policy no longer allows it") {
		t.Errorf("message %q", msg)
	}
	if got := h.get(r.ID); got.State != approval.StatePending || len(got.Approvals) != 0 {
		t.Errorf("after a refused approval: state %s, %d approvals", got.State, len(got.Approvals))
	}
}

func TestApproveWhenAnotherRuleAppliesNow(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.setPolicy(strings.Replace(testPolicy, "name: prod-support", "name: prod-support-v2", 1))
	_, err := h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.EFORBIDDEN)
	if msg := approval.ErrorMessage(err); !strings.Contains(msg, `a different policy rule applies now ("prod-support-v2" instead of "prod-support")`) {
		t.Errorf("message %q", msg)
	}
}

func TestApproveTakesTheApprovalCountInForceNow(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.setPolicy(strings.Replace(testPolicy, "approvals: 1\n    expires_after: 4h", "approvals: 2\n    expires_after: 4h", 1))
	r = h.approve(r.ID, lead1)
	if r.State != approval.StatePending || r.ApprovalsNeeded != 2 {
		t.Fatalf("state %s, %d needed; want pending, 2", r.State, r.ApprovalsNeeded)
	}
	r = h.approve(r.ID, lead2)
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s, outcome %q", r.State, r.Outcome)
	}
}

func TestDeny(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	h.approve(r.ID, lead2)
	r, err := h.svc.Deny(t.Context(), r.ID, lead3, "  caller could not be verified  ")
	if err != nil {
		t.Fatalf("Deny: %v", err)
	}
	if r.State != approval.StateDenied || r.DecidedBy != "U0LEAD003" || r.DenyReason != "caller could not be verified" {
		t.Errorf("after Deny: state %s, by %q, reason %q", r.State, r.DecidedBy, r.DenyReason)
	}
	n := h.note.last(r.ID)
	if n.Kind != approval.NoticeDenied || n.Actor != "U0LEAD003" || n.Text != "Denied: caller could not be verified. Nothing was changed." {
		t.Errorf("notice %+v", n)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "denied"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	_, err = h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.ECONFLICT)
	if msg := approval.ErrorMessage(err); msg != "This request was denied." {
		t.Errorf("message %q", msg)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("a denied request ran")
	}
}

func TestDenyWithoutReason(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	if _, err := h.svc.Deny(t.Context(), r.ID, lead1, ""); err != nil {
		t.Fatal(err)
	}
	if got := h.note.last(r.ID).Text; got != "Denied. Nothing was changed." {
		t.Errorf("notice %q", got)
	}
}

func TestDenyRefusals(t *testing.T) {
	for _, tt := range []struct {
		name    string
		by      policy.Approver
		code    string
		message string
	}{
		{"outsider", outsider, approval.EFORBIDDEN, "Only @leads or U0LEAD001 may deny this request."},
		{"requester", policy.Approver{User: "U0REQ0001", Groups: []string{"@leads"}}, approval.EFORBIDDEN,
			"You cannot deny your own request; cancel it instead."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(prod, policy.ActionReset))
			_, err := h.svc.Deny(t.Context(), r.ID, tt.by, "no")
			wantCode(t, err, tt.code)
			if msg := approval.ErrorMessage(err); msg != tt.message {
				t.Errorf("message %q, want %q", msg, tt.message)
			}
			if got := h.get(r.ID).State; got != approval.StatePending {
				t.Errorf("state %s after a refused denial", got)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	_, err := h.svc.Cancel(t.Context(), r.ID, "U0LEAD001")
	wantCode(t, err, approval.EFORBIDDEN)
	if msg := approval.ErrorMessage(err); msg != "Only the person who made this request can cancel it." {
		t.Errorf("message %q", msg)
	}
	r, err = h.svc.Cancel(t.Context(), r.ID, "U0REQ0001")
	if err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if r.State != approval.StateCancelled || r.DecidedBy != "U0REQ0001" {
		t.Errorf("state %s by %q", r.State, r.DecidedBy)
	}
	if n := h.note.last(r.ID); n.Kind != approval.NoticeCancelled || n.Actor != "U0REQ0001" {
		t.Errorf("notice %+v", n)
	}
	_, err = h.svc.Cancel(t.Context(), r.ID, "U0REQ0001")
	wantCode(t, err, approval.ECONFLICT)
	if msg := approval.ErrorMessage(err); msg != "This request was cancelled by the requester." {
		t.Errorf("message %q", msg)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "cancelled"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
}

func TestDecisionsStoreDown(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.store.setFail("Update", errBoom)
	for name, decide := range map[string]func() error{
		"approve": func() error { _, err := h.svc.Approve(t.Context(), r.ID, lead1); return err },
		"deny":    func() error { _, err := h.svc.Deny(t.Context(), r.ID, lead1, "no"); return err },
		"cancel":  func() error { _, err := h.svc.Cancel(t.Context(), r.ID, "U0REQ0001"); return err },
	} {
		if err := decide(); approval.ErrorCode(err) != approval.EINTERNAL {
			t.Errorf("%s with the store down: %v, want an internal error", name, err)
		}
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("ran with the store down")
	}
}

func TestNotifierDownDoesNotUndoDecisions(t *testing.T) {
	h := newHarness(t)
	h.note.notifyErr = errBoom
	r := h.submit(sub(prod, policy.ActionReset))
	r = h.approve(r.ID, lead1)
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s", r.State)
	}
	if !strings.Contains(h.logs.String(), "notice not posted") {
		t.Error("the failed notices were not logged")
	}
}

func TestMayDeny(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	for _, tt := range []struct {
		name string
		by   policy.Approver
		code string
	}{
		{"approver", lead1, ""},
		{"outsider", outsider, approval.EFORBIDDEN},
		{"requester", policy.Approver{User: "U0REQ0001", Groups: []string{"@leads"}}, approval.EFORBIDDEN},
	} {
		got, err := h.svc.MayDeny(t.Context(), r.ID, tt.by)
		if approval.ErrorCode(err) != tt.code {
			t.Errorf("%s: MayDeny = %v, want code %q", tt.name, err, tt.code)
		}
		if err == nil && got.ID != r.ID {
			t.Errorf("%s: MayDeny returned request %q", tt.name, got.ID)
		}
	}
	if got := h.get(r.ID); got.State != approval.StatePending || got.Version != r.Version {
		t.Errorf("MayDeny changed the request: state %s, version %d", got.State, got.Version)
	}
	_, err := h.svc.MayDeny(t.Context(), "r-none", lead1)
	wantCode(t, err, approval.ENOTFOUND)

	h.clock.Advance(4 * time.Hour)
	_, err = h.svc.MayDeny(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.ECONFLICT)

	done := h.submit(another(sub(prod, policy.ActionReset), 1))
	h.approve(done.ID, lead1)
	_, err = h.svc.MayDeny(t.Context(), done.ID, lead2)
	wantCode(t, err, approval.ECONFLICT)
}

// TestTheLastApprovalClaimsTheRunInTheSameWrite: the approval that completes a request and the
// run's claim are one compare-and-swap, so the store goes from pending straight to running,
// and the approval's and the claim's events are in that write.
func TestTheLastApprovalClaimsTheRunInTheSameWrite(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	h.approve(r.ID, lead2)
	before := h.store.statesWritten(r.ID)
	r = h.approve(r.ID, lead3)
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s, outcome %q", r.State, r.Outcome)
	}
	got := h.store.statesWritten(r.ID)[len(before):]
	if diff := cmp.Diff(got, []approval.State{approval.StateRunning, approval.StateSucceeded}); diff != "" {
		t.Errorf("states written by the last approval (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "approved", "running", "succeeded"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	// The approval's notice draws the card running; "Running" then posts its step alone.
	type told struct {
		Kind      approval.NoticeKind
		State     approval.State
		CardDrawn bool
	}
	var got2 []told
	for _, n := range h.note.all() {
		if n.ID == r.ID {
			got2 = append(got2, told{n.Kind, n.State, n.CardDrawn})
		}
	}
	want := []told{
		{approval.NoticeApproved, approval.StatePending, false},
		{approval.NoticeApproved, approval.StateRunning, false},
		{approval.NoticeRunning, approval.StateRunning, true},
		{approval.NoticeSucceeded, approval.StateSucceeded, false},
	}
	if diff := cmp.Diff(got2, want); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
}
