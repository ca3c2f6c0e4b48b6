package policyfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSharedValueProblemsListedOnce: the problems of an anchored value are listed at the first
// place of each kind of field that uses it; every other place gets one error at its alias.
func TestSharedValueProblemsListedOnce(t *testing.T) {
	yaml := `pools: {prod: {id: eu-west-1_Prod1234}}
rules:
  - {name: r0, actions: &wrong [w0, w1], requesters: [U0123ABCD], approvals: 0}
  - {name: r1, actions: *wrong, requesters: *wrong, approvals: 0}
  - {name: r2, actions: *wrong, requesters: *wrong, approvals: 0}
  - &r {name: r3, actions: [bogus], requesters: [U0123ABCD], approvals: 0}
  - *r
`
	const (
		actions    = `expected one of: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout`
		requesters = `expected a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle, or "*" for anyone, got `
	)
	want := []string{
		`p.yaml:3:33: rules[0].actions[0]: unknown action "w0"; ` + actions,
		`p.yaml:3:33: rules[1].requesters[0]: ` + requesters + `"w0"`,
		`p.yaml:3:37: rules[0].actions[1]: unknown action "w1"; ` + actions,
		`p.yaml:3:37: rules[1].requesters[1]: ` + requesters + `"w1"`,
		`p.yaml:4:25: rules[1].actions: the value of &wrong (line 3) has problems here too, as listed for rules[0].actions`,
		`p.yaml:5:25: rules[2].actions: the value of &wrong (line 3) has problems here too, as listed for rules[0].actions`,
		`p.yaml:5:45: rules[2].requesters: the value of &wrong (line 3) has problems here too, as listed for rules[1].requesters`,
		`p.yaml:6:29: rules[3].actions[0]: unknown action "bogus"; ` + actions,
		`p.yaml:7:5: rules[4]: the value of &r (line 6) has problems here too, as listed for rules[3]`,
	}
	_, err := Parse([]byte(yaml), "p.yaml")
	if err == nil {
		t.Fatal("Parse() accepted the file")
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
}

// TestSharedWrongListCounted: 200 wrong values shared by 4 rules in five fields are 200 errors
// for each of the four list fields where first used, one for each other use and one for each
// target_groups that is a list: 817 errors, not 3,205.
func TestSharedWrongListCounted(t *testing.T) {
	_, err := Parse([]byte(sharedWrongPolicy(MaxItems, 4)), "p.yaml")
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse() error = %v, want an ErrorList", err)
	}
	if got, want := list.Count(), "817 errors"; got != want {
		t.Errorf("Count() = %q, want %q", got, want)
	}
}
