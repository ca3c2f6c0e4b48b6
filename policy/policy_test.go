package policy_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
)

func TestRulesAsRead(t *testing.T) {
	p := mustParse(t, decidePolicy)
	rules := p.Rules()
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.Name
	}
	if diff := cmp.Diff([]string{"protect-admins", "no-contractors", "status", "leads-reset", "support-reset", "customers-verify"}, names); diff != "" {
		t.Errorf("rule names mismatch (-want +got):\n%s", diff)
	}
	want := policy.Rule{
		Name: "support-reset", Line: 35, Pools: []string{"prod"}, Actions: []policy.Action{policy.ActionReset, policy.ActionTempPassword},
		TargetNoneOf: []string{"service-accounts"}, Requesters: []string{"@support", "S0SUPPORT", "U0ALICE"},
		Approvers: []string{"@support-leads", "U0BOB"}, Approvals: 1, ExpiresAfter: 4 * time.Hour, RemindAfter: 30 * time.Minute,
		Requires: policy.Requirements{Ticket: true, TicketPattern: "SUP-[0-9]+", Reason: true, VerifiedBy: []string{"callback", "video-call"}},
		Limits:   fileLimits,
	}
	if diff := cmp.Diff(want, rules[4]); diff != "" {
		t.Errorf("Rules()[4] mismatch (-want +got):\n%s", diff)
	}
	rules[4].Approvers[0] = "U0MALLORY"
	if got := p.Rules()[4].Approvers[0]; got != "@support-leads" {
		t.Errorf("a change to Rules() reached the policy: approvers[0] = %q", got)
	}
}

func TestAccessors(t *testing.T) {
	p := mustParse(t, decidePolicy)
	if diff := cmp.Diff([]policy.Pool{prod, staging}, p.Pools()); diff != "" {
		t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
	}
	if got, ok := p.Pool("Staging"); !ok || got != staging {
		t.Errorf("Pool(Staging) = %v, %v; want %v", got, ok, staging)
	}
	if _, ok := p.Pool("qa"); ok {
		t.Error("Pool(qa) found a pool")
	}
	teams, enterprise := p.Workspace()
	if diff := cmp.Diff([]string{"T0TEAM1", "T0TEAM2"}, teams); diff != "" || enterprise != "E0ORG1" {
		t.Errorf("Workspace() = %v, %q (teams -want +got:\n%s)", teams, enterprise, diff)
	}
	ids, defaults := p.Channels()
	if diff := cmp.Diff([]string{"C0PROD", "C0ANY"}, ids); diff != "" {
		t.Errorf("Channels() ids mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"C0PROD": "prod"}, defaults); diff != "" {
		t.Errorf("Channels() defaults mismatch (-want +got):\n%s", diff)
	}
	wantChecks := []policy.IdentityCheck{{"callback", "Called back the number on file"}, {"video-call", "Video call"}}
	if diff := cmp.Diff(wantChecks, p.IdentityChecks()); diff != "" {
		t.Errorf("IdentityChecks() mismatch (-want +got):\n%s", diff)
	}
	open := mustParse(t, "pools: {prod: {id: eu-west-1_Prod1234}}")
	if ids, defaults := open.Channels(); ids != nil || defaults != nil {
		t.Errorf("Channels() without an allow-list = %v, %v; want nil, nil", ids, defaults)
	}
	if teams, enterprise := open.Workspace(); teams != nil || enterprise != "" {
		t.Errorf("Workspace() when unset = %v, %q; want nil, empty", teams, enterprise)
	}
}

// TestNew builds a policy from values, with no file: what it decides, and what it refuses to
// compile.
func TestNew(t *testing.T) {
	prodPool := policy.Pool{Name: "prod", ID: "eu-west-1_Prod1234", Region: "eu-west-1"}
	rule := policy.Rule{
		Name: "support-reset", Actions: []policy.Action{policy.ActionReset},
		Requesters: []string{"S0SUPPORT"}, Approvers: []string{"U0BOB"}, Approvals: 1,
		Requires: policy.Requirements{Ticket: true, TicketPattern: "SUP-[0-9]+"},
	}
	p, err := policy.New(policy.Config{File: "values", Pools: []policy.Pool{prodPool}, Rules: []policy.Rule{rule}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f := policy.Facts{Requester: "U0DAN", Groups: []string{"S0SUPPORT"}, Action: policy.ActionReset, Ticket: "SUP-1"}
	want := policy.Decision{
		Allowed: true, Rule: "support-reset", Pool: prodPool, Action: policy.ActionReset,
		Approvals: 1, Approvers: []string{"U0BOB"}, Requires: rule.Requires,
	}
	if diff := cmp.Diff(want, p.Decide(f)); diff != "" {
		t.Errorf("Decide() mismatch (-want +got):\n%s", diff)
	}
	f.Ticket = "INC-1"
	if d := p.Decide(f); d.Allowed || d.Reason != "The request must still carry a ticket reference matching SUP-[0-9]+ (the one given does not match)." {
		t.Errorf("Decide() with a ticket the pattern refuses = %+v", d)
	}

	empty, err := policy.New(policy.Config{Pools: []policy.Pool{prodPool}})
	if err != nil || len(empty.Rules()) != 1 || empty.Rules()[0].Name != "default" {
		t.Errorf("New() without rules = %v, %v; want the built-in rule default", err, empty)
	}

	for _, tt := range []struct {
		name   string
		change func(*policy.Rule)
		want   string
	}{
		{"a requester that names no one", func(r *policy.Rule) { r.Requesters = []string{"#support"} },
			`rule "support-reset": requesters: expected a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle, or "*" for anyone, got "#support"`},
		{"anyone as approver", func(r *policy.Rule) { r.Approvers = []string{"*"} },
			`rule "support-reset": approvers: "*" (anyone) is for requesters; approvers are named: a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle`},
		{"a ticket pattern that is no regular expression", func(r *policy.Rule) { r.Requires.TicketPattern = "SUP-[" },
			"rule \"support-reset\": ticket pattern: error parsing regexp: missing closing ]: `[)$`"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := rule
			tt.change(&bad)
			_, err := policy.New(policy.Config{Pools: []policy.Pool{prodPool}, Rules: []policy.Rule{bad}})
			if err == nil || err.Error() != tt.want {
				t.Errorf("New() error = %v, want %q", err, tt.want)
			}
		})
	}
}
