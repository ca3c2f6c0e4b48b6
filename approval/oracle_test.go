package approval_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// Someone no allow rule lets ask is refused before the target is looked up: Cognito is not
// called (no ListUsers, no AdminGetUser), and the answer is the same whether the target is an
// admin, an ordinary user or nobody at all, so an outsider cannot list which accounts exist or
// are admins.
func TestOutsidersAreRefusedBeforeAnyLookup(t *testing.T) {
	e := newE2E(t)
	outsider := func(target string, action policy.Action) approval.Submission {
		s := sub(prod, action)
		s.Requester, s.Groups, s.Target = "U0SALES01", []string{"@sales"}, target
		return s
	}
	ask := map[string]func(s approval.Submission) error{
		"submit":   func(s approval.Submission) error { _, err := e.svc.Submit(t.Context(), s); return err },
		"validate": func(s approval.Submission) error { return e.svc.Validate(t.Context(), s) },
		"status": func(s approval.Submission) error {
			s.Action = policy.ActionStatus
			_, err := e.svc.Status(t.Context(), s)
			return err
		},
		"history": func(s approval.Submission) error {
			s.Action = policy.ActionHistory
			_, err := e.svc.History(t.Context(), s)
			return err
		},
	}
	for name, f := range ask {
		t.Run(name, func(t *testing.T) {
			answers := map[string]string{}
			for _, target := range []string{"root@example.com", "root", "alice@example.com", "ghost@example.com", "ghost"} {
				err := f(outsider(target, policy.ActionReset))
				wantCode(t, err, approval.EFORBIDDEN)
				answers[target] = approval.ErrorMessage(err)
			}
			want := answers["ghost"]
			if want == "" {
				t.Fatal("no message")
			}
			for target, got := range answers {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("the answer for %s differs from the one for a user who does not exist (-ghost +%s):\n%s", target, target, diff)
				}
			}
		})
	}
	for _, op := range []string{"ListUsers", "AdminGetUser", "AdminListGroupsForUser"} {
		if got := e.cog.Calls(op); got != 0 {
			t.Errorf("%s called %d times for an outsider, want 0", op, got)
		}
	}
}
