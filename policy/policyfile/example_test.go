package policyfile_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// The workflow's view of the policy is the holder.
var _ approval.Policy = (*policyfile.Holder)(nil)

const examplePath = "../../deploy/policy.example.yaml"

func loadExample(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := policyfile.Load(examplePath)
	if err != nil {
		t.Fatalf("the example policy does not load:\n%v", err)
	}
	return p
}

func TestExampleHasNoWarnings(t *testing.T) {
	if w := policyfile.Lint(loadExample(t)); len(w) != 0 {
		t.Errorf("the example policy has warnings: %v", w)
	}
}

func TestExamplePermanentPasswordNeedsTwoApprovals(t *testing.T) {
	for _, r := range loadExample(t).Rules() {
		if !r.Deny && slices.Contains(r.Actions, policy.ActionPermanentPassword) && r.Approvals < 2 {
			t.Errorf("rule %q (line %d) allows permanent-password with %d approvals", r.Name, r.Line, r.Approvals)
		}
	}
}

// TestExampleShowsEveryFeature keeps the example the file a newcomer can learn the format from.
func TestExampleShowsEveryFeature(t *testing.T) {
	p := loadExample(t)
	raw, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	rules := p.Rules()
	some := func(f func(policy.Rule) bool) bool { return slices.ContainsFunc(rules, f) }
	teams, _ := p.Workspace()
	channels, defaults := p.Channels()
	pools := p.Pools()
	features := []struct {
		name string
		ok   bool
	}{
		{"workspace teams", len(teams) > 0},
		{"enterprise explained", strings.Contains(string(raw), "enterprise:")},
		{"channels with a default pool", len(channels) > 1 && len(defaults) > 0},
		{"pools in two regions", len(pools) == 2 && pools[0].Region != pools[1].Region},
		{"identity checks", len(p.IdentityChecks()) >= 2},
		{"rule descriptions", some(func(r policy.Rule) bool { return r.Description != "" })},
		{"deny rule on target groups (any_of)", some(func(r policy.Rule) bool { return r.Deny && len(r.TargetAnyOf) > 0 })},
		{"target none_of", some(func(r policy.Rule) bool { return len(r.TargetNoneOf) > 0 })},
		{"pools and actions per rule", some(func(r policy.Rule) bool { return r.Pools != nil && r.Actions != nil })},
		{"requesters by user-group id", some(func(r policy.Rule) bool { return slices.ContainsFunc(r.Requesters, isGroupID) })},
		{"approvers by user-group id and user id", some(func(r policy.Rule) bool {
			return slices.ContainsFunc(r.Approvers, isGroupID) && slices.ContainsFunc(r.Approvers, isUserID)
		})},
		{"handles explained", strings.Contains(string(raw), "@handle")},
		{"who may edit user groups explained", strings.Contains(string(raw), "Create and edit user groups")},
		{"a change without approval", some(func(r policy.Rule) bool {
			return !r.Deny && r.Approvals == 0 && slices.ContainsFunc(r.Actions, isChange)
		})},
		{"one approval", some(func(r policy.Rule) bool { return r.Approvals == 1 })},
		{"two approvals", some(func(r policy.Rule) bool { return r.Approvals == 2 })},
		{"self_approval written out", strings.Contains(string(raw), "self_approval:")},
		{"expiry", some(func(r policy.Rule) bool { return r.ExpiresAfter > 0 && r.ExpiresAfter != 24*time.Hour })},
		{"reminder", some(func(r policy.Rule) bool { return r.RemindAfter > 0 })},
		{"ticket with a pattern", some(func(r policy.Rule) bool { return r.Requires.Ticket && r.Requires.TicketPattern != "" })},
		{"reason", some(func(r policy.Rule) bool { return r.Requires.Reason })},
		{"identity verification", some(func(r policy.Rule) bool { return len(r.Requires.VerifiedBy) > 0 })},
		{"file-wide limits", some(func(r policy.Rule) bool { return r.Limits.PerRequesterMax > 0 && r.Limits.PerTargetMax > 0 })},
		{"a rule's own limits", strings.Count(string(raw), "per_requester:") >= 2},
		{"every action", everyActionNamed(rules)},
	}
	for _, f := range features {
		if !f.ok {
			t.Errorf("the example policy does not show: %s", f.name)
		}
	}
}

func isGroupID(s string) bool       { return strings.HasPrefix(s, "S") }
func isUserID(s string) bool        { return strings.HasPrefix(s, "U") || strings.HasPrefix(s, "W") }
func isChange(a policy.Action) bool { return !a.ReadOnly() }
func everyActionNamed(rules []policy.Rule) bool {
	for _, a := range policy.Actions {
		if !slices.ContainsFunc(rules, func(r policy.Rule) bool { return !r.Deny && slices.Contains(r.Actions, a) }) {
			return false
		}
	}
	return true
}

// TestExampleDecisions is what the example promises a newcomer.
func TestExampleDecisions(t *testing.T) {
	p := loadExample(t)
	support := policy.Facts{
		Team: "T0EXAMPLE1", Channel: "C0SUPPORT1", Requester: "U0SUPPORT1", Groups: []string{"S0SUPPORT1", "@support"},
		Action: policy.ActionReset, TargetGroups: []string{"customers"},
		Ticket: "SUP-123", Reason: "locked out", VerifiedBy: "callback",
	}
	lead := support
	lead.Requester, lead.Groups = "U0LEAD1", []string{"S0LEADS001", "@support-leads"}
	change := func(f policy.Facts, fn func(*policy.Facts)) policy.Facts {
		f.Groups = slices.Clone(f.Groups)
		fn(&f)
		return f
	}
	type outcome struct {
		Allowed   bool
		Rule      string
		Pool      string
		Approvals int
		Approvers []string
		Reason    string
	}
	tests := []struct {
		name  string
		facts policy.Facts
		want  outcome
	}{
		{"support resets in prod, a lead approves", support,
			outcome{true, "support-reset", "prod", 1, []string{"S0LEADS001", "U0SECLEAD1"}, ""}},
		{"an admin is protected", change(support, func(f *policy.Facts) { f.TargetGroups = []string{"admins"} }),
			outcome{false, "protect-admins", "prod", 0, nil, "Admin accounts are reset by the security team: ask in #security."}},
		{"a lead cannot reset an admin either", change(lead, func(f *policy.Facts) { f.Action, f.TargetGroups = policy.ActionSignOut, []string{"security"} }),
			outcome{false, "protect-admins", "prod", 0, nil, "Admin accounts are reset by the security team: ask in #security."}},
		{"support may look an admin up", change(support, func(f *policy.Facts) { f.Action, f.TargetGroups = policy.ActionStatus, []string{"admins"} }),
			outcome{true, "support-status", "prod", 0, nil, ""}},
		{"verify-email needs a lead's approval", change(support, func(f *policy.Facts) { f.Action = policy.ActionVerifyEmail }),
			outcome{true, "support-verify-contact", "prod", 1, []string{"S0LEADS001"}, ""}},
		{"support may not set a permanent password", change(support, func(f *policy.Facts) { f.Action = policy.ActionPermanentPassword }),
			outcome{false, "", "prod", 0, nil, "Only S0LEADS001 may ask for permanent-password in pool prod (rule leads-permanent-password)."}},
		{"a permanent password needs two approvals", change(lead, func(f *policy.Facts) { f.Action, f.VerifiedBy = policy.ActionPermanentPassword, "video-call" }),
			outcome{true, "leads-permanent-password", "prod", 2, []string{"S0LEADS001", "U0SECLEAD1"}, ""}},
		{"a lead signs out at once", change(lead, func(f *policy.Facts) { f.Action = policy.ActionSignOut }),
			outcome{true, "leads-signout", "prod", 0, nil, ""}},
		{"the staging channel defaults to staging", change(support, func(f *policy.Facts) { f.Channel, f.Ticket, f.VerifiedBy = "C0STAGING1", "", "" }),
			outcome{true, "staging-support", "staging", 1, []string{"S0SUPPORT1", "S0LEADS001"}, ""}},
		{"service accounts are not reset by support", change(support, func(f *policy.Facts) { f.TargetGroups = []string{"service-accounts"} }),
			outcome{false, "", "prod", 0, nil, `Rule "support-reset" allows reset in pool prod only for users not in the group service-accounts; this user's Cognito groups do not fit.`}},
		{"a ticket is required", change(support, func(f *policy.Facts) { f.Ticket = "" }),
			outcome{false, "support-reset", "prod", 1, []string{"S0LEADS001", "U0SECLEAD1"}, "The request must still carry a ticket reference matching SUP-[0-9]+."}},
		{"someone outside support", change(support, func(f *policy.Facts) { f.Requester, f.Groups = "U0SALES1", []string{"@sales"} }),
			outcome{false, "", "prod", 0, nil, "Only S0SUPPORT1 may ask for reset in pool prod (rule support-reset)."}},
		{"another channel", change(support, func(f *policy.Facts) { f.Channel = "C0RANDOM1" }),
			outcome{false, "", "", 0, nil, "Requests are taken only in these channels: C0SUPPORT1, C0STAGING1."}},
		{"another workspace", change(support, func(f *policy.Facts) { f.Team = "T0OTHER1" }),
			outcome{false, "", "", 0, nil, "This Slack workspace may not use the bot."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := p.Decide(tt.facts)
			got := outcome{d.Allowed, d.Rule, d.Pool.Name, d.Approvals, d.Approvers, d.Reason}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
