package approval_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/approvaltest"
	"github.com/resetbot/resetbot/policy"
)

// policyWithoutTargetGroups is the test policy without its one rule on the target's groups
// (protect-admins), so that no decision weighs them.
func policyWithoutTargetGroups(t *testing.T) string {
	t.Helper()
	const rule = `  - name: protect-admins
    effect: deny
    target_groups: {any_of: [admins]}
    message: Admin accounts are reset by the security team.
`
	if !strings.Contains(approvaltest.Policy, rule) {
		t.Fatal("the test policy's protect-admins rule is not as this test expects")
	}
	return strings.Replace(approvaltest.Policy, rule, "", 1)
}

// dirOps lists the ops of the calls that reached the fake directory, in order.
func dirOps(d *fakeDir) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ops []string
	for _, c := range d.calls {
		ops = append(ops, c.Op)
	}
	return ops
}

// TestRunReadsTheGroupsOnlyWhenThePolicyWeighsThem: under a policy with a rule on the target's
// groups, the run looks the user up with their groups; under one without, it reads the user
// alone, one Cognito call fewer, and runs.
func TestRunReadsTheGroupsOnlyWhenThePolicyWeighsThem(t *testing.T) {
	for _, tt := range []struct {
		name    string
		without bool
		want    []string
	}{
		{"a rule on the target's groups", false, []string{"lookup", "lookup", "run"}},
		{"no rule on the target's groups", true, []string{"lookup", "lookup-user", "run"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.without {
				h.setPolicy(policyWithoutTargetGroups(t))
			}
			r := h.submit(sub(prod, policy.ActionReset))
			got := h.approve(r.ID, lead1)
			if got.State != approval.StateSucceeded {
				t.Fatalf("state %s, outcome %q", got.State, got.Outcome)
			}
			if diff := cmp.Diff(dirOps(h.dir), tt.want); diff != "" {
				t.Errorf("directory calls (-got +want):\n%s", diff)
			}
		})
	}
}

// TestRunReadsTheGroupsWhenThePolicyComesToWeighThem: the run is claimed under a policy that
// does not weigh the target's groups, so its lookup ahead leaves them out; meanwhile the
// policy is reloaded with a rule on them, and the user is made an admin. The run looks the
// user up again with their groups, finds the rule now refuses, and does not run.
func TestRunReadsTheGroupsWhenThePolicyComesToWeighThem(t *testing.T) {
	h := newHarness(t)
	h.setPolicy(policyWithoutTargetGroups(t))
	r := h.submit(sub(prod, policy.ActionReset))
	var once sync.Once
	h.dir.mu.Lock()
	h.dir.holdLookup = func(context.Context) {
		once.Do(func() {
			h.setPolicy(approvaltest.Policy)
			h.dir.edit(prod.ID, "alice", func(u *approval.User) { u.Groups = append(slices.Clone(u.Groups), "admins") })
		})
	}
	h.dir.mu.Unlock()
	got, err := h.svc.Approve(t.Context(), r.ID, lead1)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != approval.StateFailed || !strings.Contains(got.Outcome, "Admin accounts are reset by the security team") {
		t.Errorf("state %s, outcome %q; want failed, refused by protect-admins", got.State, got.Outcome)
	}
	if diff := cmp.Diff(dirOps(h.dir), []string{"lookup", "lookup-user", "lookup"}); diff != "" {
		t.Errorf("directory calls (-got +want):\n%s", diff)
	}
}
