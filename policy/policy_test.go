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
