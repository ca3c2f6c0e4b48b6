package policyfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWarnings(t *testing.T) {
	p := mustParse(t, `
pools:
  prod: {id: eu-west-1_Prod1234}
  staging: {id: us-east-1_Stag1234}
rules:
  - name: anyone-status
    actions: [status]
    requesters: ["*"]
  - name: status-again
    pools: [prod]
    actions: [status]
    requesters: ["@support"]
  - name: anyone-signout
    actions: [signout, history]
    requesters: ["*"]
    approvals: 0
  - name: lone-permanent
    actions: [permanent-password]
    requesters: ["@leads"]
    approvers: ["@leads"]
    approvals: 1
    self_approval: true
  - name: deny-leads
    effect: deny
    requesters: ["@leads"]
    message: no
  - name: after-deny
    actions: [reset]
    requesters: ["@leads"]
    approvals: 0
  - name: not-shadowed
    actions: [reset]
    requesters: ["@leads", U0BOB]
    approvals: 0
  - name: deny-all-signout
    effect: deny
    actions: [signout]
    message: no
  - name: shadowed-by-target-rule-not
    actions: [temp-password]
    requesters: ["@support"]
    target_groups: {any_of: [customers]}
    approvals: 0
  - name: after-target-rule
    actions: [temp-password]
    requesters: ["@support"]
    approvals: 0
`)
	want := []Warning{
		{File: "policy.yaml", Line: 1, Message: "no workspace is set: people in any workspace the app is installed in may use the bot"},
		{File: "policy.yaml", Line: 8, Rule: "status-again", Message: `is never reached: rule "anyone-status" (line 5) matches every request it would`},
		{File: "policy.yaml", Line: 8, Rule: "status-again", Message: handles("@support")},
		{File: "policy.yaml", Line: 12, Rule: "anyone-signout", Message: `lets anyone who may use the bot ask for signout (requesters: "*")`},
		{File: "policy.yaml", Line: 16, Rule: "lone-permanent", Message: handles("@leads")},
		{File: "policy.yaml", Line: 16, Rule: "lone-permanent", Message: "allows permanent-password with 1 approval; a password the user keeps should be approved by two people"},
		{File: "policy.yaml", Line: 16, Rule: "lone-permanent", Message: "lets a requester approve their own request alone (self_approval with approvals: 1)"},
		{File: "policy.yaml", Line: 22, Rule: "deny-leads", Message: handles("@leads")},
		{File: "policy.yaml", Line: 26, Rule: "after-deny", Message: `is never reached: rule "deny-leads" (line 22) matches every request it would`},
		{File: "policy.yaml", Line: 26, Rule: "after-deny", Message: handles("@leads")},
		{File: "policy.yaml", Line: 30, Rule: "not-shadowed", Message: handles("@leads")},
		{File: "policy.yaml", Line: 34, Rule: "deny-all-signout", Message: `is never reached: rule "anyone-signout" (line 12) matches every request it would`},
		{File: "policy.yaml", Line: 38, Rule: "shadowed-by-target-rule-not", Message: handles("@support")},
		{File: "policy.yaml", Line: 43, Rule: "after-target-rule", Message: handles("@support")},
	}
	if diff := cmp.Diff(want, Lint(p)); diff != "" {
		t.Errorf("Warnings() mismatch (-want +got):\n%s", diff)
	}
	if got, want := want[1].String(), `policy.yaml:8: rule "status-again": is never reached: rule "anyone-status" (line 5) matches every request it would`; got != want {
		t.Errorf("Warning.String() = %q, want %q", got, want)
	}
	if got, want := want[0].String(), "policy.yaml:1: no workspace is set: people in any workspace the app is installed in may use the bot"; got != want {
		t.Errorf("Warning.String() = %q, want %q", got, want)
	}
}

// handles is the warning about user groups named by @handle.
func handles(names string) string {
	return "names " + names + " by handle, which anyone who may edit user groups can rename or give to another group; name each group by its id (S0123ABCD), which does not change"
}

// TestNoWarningsForACarefulFile: the file the decisions are tested on warns only that it names
// user groups by handle, once per rule, each handle once, in requesters and approvers alike.
func TestNoWarningsForACarefulFile(t *testing.T) {
	p := mustParse(t, decidePolicy)
	want := []Warning{
		{File: "policy.yaml", Line: 23, Rule: "no-contractors", Message: handles("@contractors")},
		{File: "policy.yaml", Line: 30, Rule: "leads-reset", Message: handles("@support-leads")},
		{File: "policy.yaml", Line: 35, Rule: "support-reset", Message: handles("@support and @support-leads")},
		{File: "policy.yaml", Line: 49, Rule: "customers-verify", Message: handles("@support")},
	}
	if diff := cmp.Diff(want, Lint(p)); diff != "" {
		t.Errorf("Warnings() mismatch (-want +got):\n%s", diff)
	}
}

// TestNoHandleWarningForIDs: groups named by id, people by user id and "*" draw no warning.
func TestNoHandleWarningForIDs(t *testing.T) {
	p := mustParse(t, `
workspace: {teams: [T0TEAM1]}
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: ids
    actions: [reset]
    requesters: [S0SUPPORT, U0ALICE]
    approvers: [S0LEADS, W0BOB]
    approvals: 1
  - name: anyone-status
    actions: [status]
    requesters: ["*"]
`)
	if w := Lint(p); len(w) != 0 {
		t.Errorf("Warnings() = %v, want none", w)
	}
}
