package approval_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// Approvals are judged by the policy in force when they are counted, at each click and again
// right before the run, not by the one they were given under.
func TestApprovalsAreCountedUnderThePolicyInForce(t *testing.T) {
	lead4 := policy.Approver{User: "U0LEAD004", Groups: []string{"@leads"}}
	supporter := policy.Approver{User: "U0SUPP002", Groups: []string{"@support"}}
	requester := policy.Approver{User: "U0REQ0001", Groups: requesterGroups}
	twoSelf := strings.Replace(testPolicy, "approvals: 1\n    self_approval: true", "approvals: 2\n    self_approval: true", 1)
	tests := []struct {
		name   string
		policy string // the policy the request is made under; "" for testPolicy
		pool   policy.Pool
		first  policy.Approver
		change func(h *harness, m *fakeMembership) // between the first approval and the second
		second policy.Approver
		// After the second click:
		state     approval.State
		approvals []string // who counts
		ran       int
		notice    string // in the last notice
	}{
		{
			name: "a reload narrows the approvers", pool: dual, first: lead2,
			change: func(h *harness, _ *fakeMembership) {
				h.setPolicy(strings.Replace(testPolicy, `approvers: ["@leads"]`+"\n    approvals: 2", "approvers: [U0LEAD003, U0LEAD004]\n    approvals: 2", 1))
			},
			second: lead3, state: approval.StatePending, approvals: []string{"U0LEAD003"},
			notice: "Approved (1 of 2). Waiting for 1 more approval.",
		},
		{
			name: "a reload turns self-approval off", policy: twoSelf, pool: selfish, first: requester,
			change: func(h *harness, _ *fakeMembership) {
				h.setPolicy(strings.Replace(twoSelf, "self_approval: true", "self_approval: false", 1))
			},
			second: supporter, state: approval.StatePending, approvals: []string{"U0SUPP002"},
			notice: "Approved (1 of 2). Waiting for 1 more approval.",
		},
		{
			name: "the approver left the user group that made them one", pool: dual, first: lead2,
			change: func(_ *harness, m *fakeMembership) { m.set("U0LEAD002", []string{"@sales"}, nil) },
			second: lead3, state: approval.StatePending, approvals: []string{"U0LEAD003"},
			notice: "Approved (1 of 2). Waiting for 1 more approval.",
		},
		{
			name: "a reload lowers the approvals needed: the next click completes it", pool: dual, first: lead2,
			change: func(h *harness, _ *fakeMembership) {
				h.setPolicy(strings.Replace(testPolicy, `approvers: ["@leads"]`+"\n    approvals: 2", `approvers: ["@leads"]`+"\n    approvals: 1", 1))
			},
			second: lead3, state: approval.StateSucceeded, approvals: []string{"U0LEAD002"}, ran: 1,
			notice: "Password reset for alice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &fakeMembership{groups: map[string][]string{}}
			for _, a := range []policy.Approver{lead2, lead3, lead4, supporter, requester} {
				m.set(a.User, a.Groups, nil)
			}
			h := newHarness(t, func(c *approval.Config) { c.Membership = m })
			if tt.policy != "" {
				h.setPolicy(tt.policy)
			}
			r := h.submit(sub(tt.pool, policy.ActionReset))
			h.approve(r.ID, tt.first)
			tt.change(h, m)
			r = h.approve(r.ID, tt.second)

			if r.State != tt.state {
				t.Fatalf("state %s (%s), want %s", r.State, r.Outcome, tt.state)
			}
			var got []string
			for _, a := range h.get(r.ID).Approvals {
				got = append(got, a.By)
			}
			if diff := cmp.Diff(got, tt.approvals); diff != "" {
				t.Errorf("approvals that count (-got +want):\n%s", diff)
			}
			if got := h.dir.Calls("run"); got != tt.ran {
				t.Errorf("%d runs, want %d", got, tt.ran)
			}
			if got := h.note.last(r.ID).Text; !strings.Contains(got, tt.notice) {
				t.Errorf("last notice %q, want it to hold %q", got, tt.notice)
			}
		})
	}
}

// An approval dropped by a recount is recorded, and said in the thread with the count that is
// true now, even when the click that found it is refused.
func TestApprovalsNoLongerCountingAreRecorded(t *testing.T) {
	m := &fakeMembership{groups: map[string][]string{"U0LEAD002": {"@leads"}, "U0LEAD003": {"@leads"}}}
	h := newHarness(t, func(c *approval.Config) { c.Membership = m })
	r := h.submit(sub(dual, policy.ActionReset))
	h.approve(r.ID, lead2)
	m.set("U0LEAD002", nil, nil)

	_, err := h.svc.Approve(t.Context(), r.ID, outsider)
	wantCode(t, err, approval.EFORBIDDEN)
	r = h.get(r.ID)
	if len(r.Approvals) != 0 || r.State != approval.StatePending {
		t.Errorf("after the recount: %s with %d approvals, want pending with none", r.State, len(r.Approvals))
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "approval_not_counted", "approval_refused"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if got, want := h.note.last(r.ID).Text, "1 approval given earlier no longer counts under the policy in force"; !strings.Contains(got, want) {
		t.Errorf("last notice %q, want it to hold %q", got, want)
	}
}

// Right before the run the approvals are counted again: an approver who left the user group
// since approving no longer counts, and the action does not run.
func TestRunCountsApprovalsUnderThePolicyInForce(t *testing.T) {
	m := &fakeMembership{groups: map[string][]string{"U0REQ0001": requesterGroups, "U0LEAD002": {"@leads"}, "U0LEAD003": {"@leads"}}}
	h := newHarness(t, func(c *approval.Config) { c.Membership = m })
	r := h.submit(sub(dual, policy.ActionReset))
	// Both approved; the process stopped before the claim.
	r = h.get(r.ID)
	r.State = approval.StateApproved
	r.Approvals = []approval.Approval{{By: "U0LEAD002", At: t0}, {By: "U0LEAD003", At: t0}}
	if err := h.db.Update(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	m.set("U0LEAD002", []string{"@sales"}, nil)
	h.clock.Advance(3 * h.cfg.Lease)
	h.sweep()
	r = h.get(r.ID)
	if r.State != approval.StateFailed || r.ErrorCode != approval.EFORBIDDEN {
		t.Fatalf("state %s code %q (%s)", r.State, r.ErrorCode, r.Outcome)
	}
	if want := "only 1 of the 2 given still count"; !strings.Contains(r.Outcome, want) {
		t.Errorf("outcome %q, want it to hold %q", r.Outcome, want)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("ran with an approval that no longer counts")
	}
}
