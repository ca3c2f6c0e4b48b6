package policy_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
)

var (
	prod    = policy.Pool{Name: "prod", ID: "eu-west-1_Prod1234", Region: "eu-west-1"}
	staging = policy.Pool{Name: "staging", ID: "us-east-1_Stag1234", Region: "us-east-1"}
)

// supportFacts is a complete, allowed request for a reset in prod.
func supportFacts() policy.Facts {
	return policy.Facts{
		Team: "T0TEAM1", Channel: "C0PROD", Requester: "U0DAN", Groups: []string{"S0OTHER", "@support"},
		Pool: "prod", Action: policy.ActionReset, TargetGroups: []string{"customers"},
		Ticket: "SUP-42", Reason: "locked out", VerifiedBy: "callback",
	}
}

func with(f policy.Facts, change func(*policy.Facts)) policy.Facts {
	change(&f)
	return f
}

var fileLimits = policy.Limits{PerRequesterMax: 20, PerRequesterWindow: 24 * time.Hour, PerTargetMax: 3, PerTargetWindow: 24 * time.Hour}

// supportDecision is what supportFacts gets.
func supportDecision() policy.Decision {
	return policy.Decision{
		Allowed: true, Rule: "support-reset", Pool: prod, Action: policy.ActionReset,
		Approvals: 1, Approvers: []string{"@support-leads", "U0BOB"},
		ExpiresAfter: 4 * time.Hour, RemindAfter: 30 * time.Minute,
		Requires:        policy.Requirements{Ticket: true, TicketPattern: "SUP-[0-9]+", Reason: true, VerifiedBy: []string{"callback", "video-call"}},
		Limits:          fileLimits,
		DependsOnTarget: true,
	}
}

func withDecision(d policy.Decision, change func(*policy.Decision)) policy.Decision {
	change(&d)
	return d
}

func denied(reason string) policy.Decision { return policy.Decision{Reason: reason} }

func TestDecide(t *testing.T) {
	p := mustParse(t, decidePolicy)
	tests := []struct {
		name  string
		facts policy.Facts
		want  policy.Decision
	}{
		{"allowed with everything it needs", supportFacts(), supportDecision()},
		{
			"requester named by user-group id",
			with(supportFacts(), func(f *policy.Facts) { f.Groups = []string{"S0SUPPORT"} }),
			supportDecision(),
		},
		{
			"requester named by user id",
			with(supportFacts(), func(f *policy.Facts) { f.Requester, f.Groups = "U0ALICE", nil }),
			supportDecision(),
		},
		{
			"handles match whatever their case",
			with(supportFacts(), func(f *policy.Facts) { f.Groups = []string{"@Support"} }),
			supportDecision(),
		},
		{
			"unknown action",
			with(supportFacts(), func(f *policy.Facts) { f.Action = "explode" }),
			policy.Decision{Action: "explode", Reason: `There is no action "explode"; the actions are: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout.`},
		},
		{
			"an action that could be markup is not quoted back",
			with(supportFacts(), func(f *policy.Facts) { f.Action = "<!channel>" }),
			policy.Decision{Action: "<!channel>", Reason: `There is no action; the actions are: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout.`},
		},
		{
			"workspace not allowed",
			with(supportFacts(), func(f *policy.Facts) { f.Team = "T0OTHER" }),
			withDecision(denied("This Slack workspace may not use the bot."), func(d *policy.Decision) { d.Action = policy.ActionReset }),
		},
		{
			"second team allowed",
			with(supportFacts(), func(f *policy.Facts) { f.Team = "T0TEAM2" }),
			supportDecision(),
		},
		{
			"any workspace of the enterprise allowed",
			with(supportFacts(), func(f *policy.Facts) { f.Team, f.Enterprise = "T0OTHER", "E0ORG1" }),
			supportDecision(),
		},
		{
			"channel not allowed",
			with(supportFacts(), func(f *policy.Facts) { f.Channel = "C0RANDOM" }),
			withDecision(denied("Requests are taken only in these channels: C0PROD, C0ANY."), func(d *policy.Decision) { d.Action = policy.ActionReset }),
		},
		{
			"channel's default pool",
			with(supportFacts(), func(f *policy.Facts) { f.Pool = "" }),
			supportDecision(),
		},
		{
			"pool names are not case-sensitive",
			with(supportFacts(), func(f *policy.Facts) { f.Pool = "PROD" }),
			supportDecision(),
		},
		{
			"no pool said, several pools, no default",
			with(supportFacts(), func(f *policy.Facts) { f.Pool, f.Channel = "", "C0ANY" }),
			withDecision(denied("Say which pool the request is for: prod or staging."), func(d *policy.Decision) { d.Action = policy.ActionReset }),
		},
		{
			"unknown pool",
			with(supportFacts(), func(f *policy.Facts) { f.Pool = "qa" }),
			withDecision(denied(`There is no pool "qa"; the pools are: prod, staging.`), func(d *policy.Decision) { d.Action = policy.ActionReset }),
		},
		{
			"deny rule on the target's groups",
			with(supportFacts(), func(f *policy.Facts) { f.TargetGroups = []string{"customers", "admins"} }),
			policy.Decision{Rule: "protect-admins", Reason: "Admin accounts are reset by the security team.", Pool: prod, Action: policy.ActionReset, DependsOnTarget: true},
		},
		{
			"deny rule on the requester",
			with(supportFacts(), func(f *policy.Facts) { f.Groups = []string{"@support", "@contractors"} }),
			policy.Decision{Rule: "no-contractors", Reason: "Contractors may not use the bot.", Pool: prod, Action: policy.ActionReset, DependsOnTarget: true},
		},
		{
			"status for admins is allowed: the deny rule names only changes",
			with(supportFacts(), func(f *policy.Facts) { f.Action, f.TargetGroups = policy.ActionStatus, []string{"admins"} }),
			policy.Decision{Allowed: true, Rule: "status", Pool: prod, Action: policy.ActionStatus, Limits: defaultLookups},
		},
		{
			"read-only actions need no approval and have only the lookup limit",
			with(supportFacts(), func(f *policy.Facts) { f.Action, f.Requester, f.Groups = policy.ActionHistory, "U0ANYONE", nil }),
			policy.Decision{Allowed: true, Rule: "status", Pool: prod, Action: policy.ActionHistory, Limits: defaultLookups},
		},
		{
			"none_of excludes the target",
			with(supportFacts(), func(f *policy.Facts) { f.TargetGroups = []string{"service-accounts"} }),
			policy.Decision{Reason: `Rule "support-reset" allows reset in pool prod only for users not in the group service-accounts; this user's Cognito groups do not fit.`, Pool: prod, Action: policy.ActionReset, DependsOnTarget: true},
		},
		{
			"an earlier rule wins",
			with(supportFacts(), func(f *policy.Facts) { f.Groups = []string{"@support", "@support-leads"} }),
			policy.Decision{Allowed: true, Rule: "leads-reset", Pool: prod, Action: policy.ActionReset, Limits: fileLimits, DependsOnTarget: true},
		},
		{
			"requester not among those a rule names",
			with(supportFacts(), func(f *policy.Facts) { f.Requester, f.Groups = "U0EVE", []string{"@marketing"} }),
			policy.Decision{Reason: `Only @support-leads, @support, S0SUPPORT or U0ALICE may ask for reset in pool prod (rules leads-reset, support-reset).`, Pool: prod, Action: policy.ActionReset, DependsOnTarget: true},
		},
		{
			"no rule for the pool",
			with(supportFacts(), func(f *policy.Facts) { f.Pool = "staging" }),
			policy.Decision{Reason: "No rule of the policy allows reset in pool staging.", Pool: staging, Action: policy.ActionReset, DependsOnTarget: true},
		},
		{
			"everything missing",
			with(supportFacts(), func(f *policy.Facts) { f.Ticket, f.Reason, f.VerifiedBy = "", " ", "" }),
			withDecision(supportDecision(), func(d *policy.Decision) {
				d.Allowed = false
				d.Missing = []string{"ticket", "reason", "verified_by"}
				d.Reason = "The request must still carry a ticket reference matching SUP-[0-9]+, a reason and how the user's identity was verified (callback or video-call)."
			}),
		},
		{
			"ticket must match the whole pattern",
			with(supportFacts(), func(f *policy.Facts) { f.Ticket = "SUP-42x" }),
			withDecision(supportDecision(), func(d *policy.Decision) {
				d.Allowed = false
				d.Missing = []string{"ticket"}
				d.Reason = "The request must still carry a ticket reference matching SUP-[0-9]+ (the one given does not match)."
			}),
		},
		{
			"identity check the rule does not accept",
			with(supportFacts(), func(f *policy.Facts) { f.VerifiedBy = "email" }),
			withDecision(supportDecision(), func(d *policy.Decision) {
				d.Allowed = false
				d.Missing = []string{"verified_by"}
				d.Reason = "The request must still carry how the user's identity was verified (callback or video-call; the one given is not accepted)."
			}),
		},
		{
			"any_of matches, rule limits override the file's",
			with(supportFacts(), func(f *policy.Facts) { f.Action = policy.ActionVerifyEmail }),
			policy.Decision{
				Allowed: true, Rule: "customers-verify", Pool: prod, Action: policy.ActionVerifyEmail,
				Approvals: 2, Approvers: []string{"U0BOB", "U0CAROL"}, SelfApproval: true, ExpiresAfter: 24 * time.Hour,
				Requires:        policy.Requirements{Ticket: true},
				Limits:          policy.Limits{PerRequesterMax: 20, PerRequesterWindow: 24 * time.Hour, PerTargetMax: 1, PerTargetWindow: 48 * time.Hour},
				DependsOnTarget: true,
			},
		},
		{
			"ticket without pattern: any ticket",
			with(supportFacts(), func(f *policy.Facts) { f.Action, f.Ticket = policy.ActionVerifyEmail, "" }),
			policy.Decision{
				Rule: "customers-verify", Pool: prod, Action: policy.ActionVerifyEmail,
				Reason:    "The request must still carry a ticket reference.",
				Missing:   []string{"ticket"},
				Approvals: 2, Approvers: []string{"U0BOB", "U0CAROL"}, SelfApproval: true, ExpiresAfter: 24 * time.Hour,
				Requires:        policy.Requirements{Ticket: true},
				Limits:          policy.Limits{PerRequesterMax: 20, PerRequesterWindow: 24 * time.Hour, PerTargetMax: 1, PerTargetWindow: 48 * time.Hour},
				DependsOnTarget: true,
			},
		},
		{
			"any_of not matched",
			with(supportFacts(), func(f *policy.Facts) { f.Action, f.TargetGroups = policy.ActionVerifyEmail, []string{"staff"} }),
			policy.Decision{Reason: `Rule "customers-verify" allows verify-email in pool prod only for users in the group customers; this user's Cognito groups do not fit.`, Pool: prod, Action: policy.ActionVerifyEmail, DependsOnTarget: true},
		},
		{
			"target groups unknown read as none",
			with(supportFacts(), func(f *policy.Facts) { f.TargetGroups = nil }),
			supportDecision(),
		},
		{
			"no target condition weighed",
			with(supportFacts(), func(f *policy.Facts) { f.Action = policy.ActionStatus }),
			policy.Decision{Allowed: true, Rule: "status", Pool: prod, Action: policy.ActionStatus, Limits: defaultLookups},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Decide(tt.facts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecideOnlyPoolsAllowsOnlyStatus(t *testing.T) {
	p := mustParse(t, `
pools:
  prod: {id: eu-west-1_Prod1234}
`)
	for _, a := range policy.Actions {
		f := policy.Facts{Team: "T1", Channel: "C1", Requester: "U0ANY", Action: a}
		got := p.Decide(f)
		want := policy.Decision{Pool: prod, Action: a, Reason: "The policy has no rules yet, so it allows only status."}
		if a == policy.ActionStatus {
			want = policy.Decision{Allowed: true, Rule: "default", Pool: prod, Action: a, Limits: defaultLookups}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Decide(%s) mismatch (-want +got):\n%s", a, diff)
		}
	}
}

// defaultLookups is the lookup limit of a file that sets none.
var defaultLookups = policy.Limits{PerRequesterLookupsMax: policy.DefaultLookupsMax, PerRequesterLookupsWindow: policy.DefaultLookupsWindow}

func TestDecideLookupLimits(t *testing.T) {
	const rules = `
rules:
  - name: look
    actions: [status, history]
    requesters: ["*"]
`
	for _, tc := range []struct {
		name, file string
		want       policy.Limits
	}{
		{"the default when the file sets none", "pools:\n  prod: {id: eu-west-1_Prod1234}\n" + rules, defaultLookups},
		{
			"the file's",
			"pools:\n  prod: {id: eu-west-1_Prod1234}\nlimits:\n  per_requester: {max: 5, window: 1h}\n  per_requester_lookups: {max: 10, window: 30m}\n" + rules,
			policy.Limits{PerRequesterLookupsMax: 10, PerRequesterLookupsWindow: 30 * time.Minute},
		},
		{
			"the rule's over the file's",
			"pools:\n  prod: {id: eu-west-1_Prod1234}\nlimits:\n  per_requester_lookups: {max: 10, window: 30m}\n" + rules +
				"    limits: {per_requester_lookups: {max: 3, window: 1m}}\n",
			policy.Limits{PerRequesterLookupsMax: 3, PerRequesterLookupsWindow: time.Minute},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.file)
			for _, a := range []policy.Action{policy.ActionStatus, policy.ActionHistory} {
				got := p.Decide(policy.Facts{Requester: "U0ANY", Action: a})
				if !got.Allowed {
					t.Fatalf("Decide(%s) refused: %s", a, got.Reason)
				}
				if diff := cmp.Diff(tc.want, got.Limits); diff != "" {
					t.Errorf("Decide(%s).Limits mismatch (-want +got):\n%s", a, diff)
				}
			}
		})
	}
}

func TestDecideDoesNotShareSlices(t *testing.T) {
	p := mustParse(t, decidePolicy)
	d := p.Decide(supportFacts())
	d.Approvers[0] = "U0MALLORY"
	d.Requires.VerifiedBy[0] = "nothing"
	if diff := cmp.Diff(supportDecision(), p.Decide(supportFacts())); diff != "" {
		t.Errorf("a caller's change reached the policy (-want +got):\n%s", diff)
	}
}

func TestDecideTargetReasons(t *testing.T) {
	p := mustParse(t, `
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: customers
    actions: [reset]
    target_groups: {any_of: [customers, partners], none_of: [staff, admins]}
    requesters: ["@support"]
    approvals: 0
`)
	f := policy.Facts{Requester: "U0DAN", Groups: []string{"@support"}, Action: policy.ActionReset, TargetGroups: []string{"partners", "staff"}}
	want := `Rule "customers" allows reset in pool prod only for users in one of the groups customers or partners and in none of the groups staff and admins; this user's Cognito groups do not fit.`
	if got := p.Decide(f).Reason; got != want {
		t.Errorf("Reason = %q, want %q", got, want)
	}
	f.TargetGroups = []string{"partners"}
	if d := p.Decide(f); !d.Allowed || !d.DependsOnTarget {
		t.Errorf("Decide() = %+v, want allowed, depending on the target", d)
	}
}
