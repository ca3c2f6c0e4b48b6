package approval_test

import (
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

// A Cognito write whose answer was lost (an internal error, a connection closed after Cognito
// acted) may have happened: it is reported like an interrupted run, "may or may not have
// happened, check status", never as a failure to try again, and it is not retried.
func TestE2EMaybeHappenedIsSaidAsSuch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    cognitotest.Fault
		happened bool // Cognito did act on it
	}{
		{"an internal error", cognitotest.Fault{Op: "AdminResetUserPassword", Code: "InternalErrorException"}, false},
		{"the connection lost after Cognito acted", cognitotest.Fault{Op: "AdminResetUserPassword", Hangup: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t)
			r := e.submit(sub(prod, policy.ActionReset))
			e.cog.Inject(tc.fault)
			r = e.approve(r.ID, lead1)

			if r.State != approval.StateInterrupted || r.ErrorCode != approval.EUNKNOWN {
				t.Fatalf("state %s code %q (%s), want %s %s", r.State, r.ErrorCode, r.Outcome, approval.StateInterrupted, approval.EUNKNOWN)
			}
			for _, want := range []string{"may or may not have happened", "check the user's status before asking again"} {
				if !strings.Contains(r.Outcome, want) {
					t.Errorf("outcome %q does not say %q", r.Outcome, want)
				}
			}
			if strings.Contains(strings.ToLower(r.Outcome), "try again") || strings.Contains(r.Outcome, "failed") {
				t.Errorf("outcome %q tells to try again or calls it a failure", r.Outcome)
			}
			if got := e.note.last(r.ID).Kind; got != approval.NoticeInterrupted {
				t.Errorf("last notice %s, want %s", got, approval.NoticeInterrupted)
			}
			if got := e.cog.Calls("AdminResetUserPassword"); got != 1 {
				t.Errorf("AdminResetUserPassword called %d times, want 1 (never retried)", got)
			}
			if got := e.cog.Code(prod.ID, "alice") != ""; got != tc.happened {
				t.Errorf("Cognito sent a code: %v, want %v", got, tc.happened)
			}
		})
	}
}
