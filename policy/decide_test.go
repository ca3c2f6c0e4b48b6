package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	prod    = Pool{Name: "prod", ID: "eu-west-1_Prod1234", Region: "eu-west-1"}
	staging = Pool{Name: "staging", ID: "us-east-1_Stag1234", Region: "us-east-1"}
)

// supportFacts is a complete, allowed request for a reset in prod.
func supportFacts() Facts {
	return Facts{
		Team: "T0TEAM1", Channel: "C0PROD", Requester: "U0DAN", Groups: []string{"S0OTHER", "@support"},
		Pool: "prod", Action: ActionReset, TargetGroups: []string{"customers"},
		Ticket: "SUP-42", Reason: "locked out", VerifiedBy: "callback",
	}
}

func with(f Facts, change func(*Facts)) Facts {
	change(&f)
	return f
}

var fileLimits = Limits{PerRequesterMax: 20, PerRequesterWindow: 24 * time.Hour, PerTargetMax: 3, PerTargetWindow: 24 * time.Hour}

// supportDecision is what supportFacts gets.
func supportDecision() Decision {
	return Decision{
		Allowed: true, Rule: "support-reset", Pool: prod, Action: ActionReset,
		Approvals: 1, Approvers: []string{"@support-leads", "U0BOB"},
		ExpiresAfter: 4 * time.Hour, RemindAfter: 30 * time.Minute,
		Requires:        Requirements{Ticket: true, TicketPattern: "SUP-[0-9]+", Reason: true, VerifiedBy: []string{"callback", "video-call"}},
		Limits:          fileLimits,
		DependsOnTarget: true,
	}
}

func withDecision(d Decision, change func(*Decision)) Decision {
	change(&d)
	return d
}

func denied(reason string) Decision { return Decision{Reason: reason} }

func TestDecide(t *testing.T) {
	p := mustParse(t, decidePolicy)
	tests := []struct {
		name  string
		facts Facts
		want  Decision
	}{
		{"allowed with everything it needs", supportFacts(), supportDecision()},
		{
			"requester named by user-group id",
			with(supportFacts(), func(f *Facts) { f.Groups = []string{"S0SUPPORT"} }),
			supportDecision(),
		},
		{
			"requester named by user id",
			with(supportFacts(), func(f *Facts) { f.Requester, f.Groups = "U0ALICE", nil }),
			supportDecision(),
		},
		{
			"handles match whatever their case",
			with(supportFacts(), func(f *Facts) { f.Groups = []string{"@Support"} }),
			supportDecision(),
		},
		{
			"unknown action",
			with(supportFacts(), func(f *Facts) { f.Action = "explode" }),
			Decision{Action: "explode", Reason: `There is no action "explode"; the actions are: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout.`},
		},
		{
			"an action that could be markup is not quoted back",
			with(supportFacts(), func(f *Facts) { f.Action = "<!channel>" }),
			Decision{Action: "<!channel>", Reason: `There is no action; the actions are: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout.`},
		},
		{
			"workspace not allowed",
			with(supportFacts(), func(f *Facts) { f.Team = "T0OTHER" }),
			withDecision(denied("This Slack workspace may not use the bot."), func(d *Decision) { d.Action = ActionReset }),
		},
		{
			"second team allowed",
			with(supportFacts(), func(f *Facts) { f.Team = "T0TEAM2" }),
			supportDecision(),
		},
		{
			"any workspace of the enterprise allowed",
			with(supportFacts(), func(f *Facts) { f.Team, f.Enterprise = "T0OTHER", "E0ORG1" }),
			supportDecision(),
		},
		{
			"channel not allowed",
			with(supportFacts(), func(f *Facts) { f.Channel = "C0RANDOM" }),
			withDecision(denied("Requests are taken only in these channels: C0PROD, C0ANY."), func(d *Decision) { d.Action = ActionReset }),
		},
		{
			"channel's default pool",
			with(supportFacts(), func(f *Facts) { f.Pool = "" }),
			supportDecision(),
		},
		{
			"pool names are not case-sensitive",
			with(supportFacts(), func(f *Facts) { f.Pool = "PROD" }),
			supportDecision(),
		},
		{
			"no pool said, several pools, no default",
			with(supportFacts(), func(f *Facts) { f.Pool, f.Channel = "", "C0ANY" }),
			withDecision(denied("Say which pool the request is for: prod or staging."), func(d *Decision) { d.Action = ActionReset }),
		},
		{
			"unknown pool",
			with(supportFacts(), func(f *Facts) { f.Pool = "qa" }),
			withDecision(denied(`There is no pool "qa"; the pools are: prod, staging.`), func(d *Decision) { d.Action = ActionReset }),
		},
		{
			"deny rule on the target's groups",
			with(supportFacts(), func(f *Facts) { f.TargetGroups = []string{"customers", "admins"} }),
			Decision{Rule: "protect-admins", Reason: "Admin accounts are reset by the security team.", Pool: prod, Action: ActionReset, DependsOnTarget: true},
		},
		{
			"deny rule on the requester",
			with(supportFacts(), func(f *Facts) { f.Groups = []string{"@support", "@contractors"} }),
			Decision{Rule: "no-contractors", Reason: "Contractors may not use the bot.", Pool: prod, Action: ActionReset, DependsOnTarget: true},
		},
		{
			"status for admins is allowed: the deny rule names only changes",
			with(supportFacts(), func(f *Facts) { f.Action, f.TargetGroups = ActionStatus, []string{"admins"} }),
			Decision{Allowed: true, Rule: "status", Pool: prod, Action: ActionStatus, Limits: defaultLookups},
		},
		{
			"read-only actions need no approval and have only the lookup limit",
			with(supportFacts(), func(f *Facts) { f.Action, f.Requester, f.Groups = ActionHistory, "U0ANYONE", nil }),
			Decision{Allowed: true, Rule: "status", Pool: prod, Action: ActionHistory, Limits: defaultLookups},
		},
		{
			"none_of excludes the target",
			with(supportFacts(), func(f *Facts) { f.TargetGroups = []string{"service-accounts"} }),
			Decision{Reason: `Rule "support-reset" allows reset in pool prod only for users not in the group service-accounts; this user's Cognito groups do not fit.`, Pool: prod, Action: ActionReset, DependsOnTarget: true},
		},
		{
			"an earlier rule wins",
			with(supportFacts(), func(f *Facts) { f.Groups = []string{"@support", "@support-leads"} }),
			Decision{Allowed: true, Rule: "leads-reset", Pool: prod, Action: ActionReset, Limits: fileLimits, DependsOnTarget: true},
		},
		{
			"requester not among those a rule names",
			with(supportFacts(), func(f *Facts) { f.Requester, f.Groups = "U0EVE", []string{"@marketing"} }),
			Decision{Reason: `Only @support-leads, @support, S0SUPPORT or U0ALICE may ask for reset in pool prod (rules leads-reset, support-reset).`, Pool: prod, Action: ActionReset, DependsOnTarget: true},
		},
		{
			"no rule for the pool",
			with(supportFacts(), func(f *Facts) { f.Pool = "staging" }),
			Decision{Reason: "No rule of the policy allows reset in pool staging.", Pool: staging, Action: ActionReset, DependsOnTarget: true},
		},
		{
			"everything missing",
			with(supportFacts(), func(f *Facts) { f.Ticket, f.Reason, f.VerifiedBy = "", " ", "" }),
			withDecision(supportDecision(), func(d *Decision) {
				d.Allowed = false
				d.Missing = []string{"ticket", "reason", "verified_by"}
				d.Reason = "The request must still carry a ticket reference matching SUP-[0-9]+, a reason and how the user's identity was verified (callback or video-call)."
			}),
		},
		{
			"ticket must match the whole pattern",
			with(supportFacts(), func(f *Facts) { f.Ticket = "SUP-42x" }),
			withDecision(supportDecision(), func(d *Decision) {
				d.Allowed = false
				d.Missing = []string{"ticket"}
				d.Reason = "The request must still carry a ticket reference matching SUP-[0-9]+ (the one given does not match)."
			}),
		},
		{
			"identity check the rule does not accept",
			with(supportFacts(), func(f *Facts) { f.VerifiedBy = "email" }),
			withDecision(supportDecision(), func(d *Decision) {
				d.Allowed = false
				d.Missing = []string{"verified_by"}
				d.Reason = "The request must still carry how the user's identity was verified (callback or video-call; the one given is not accepted)."
			}),
		},
		{
			"any_of matches, rule limits override the file's",
			with(supportFacts(), func(f *Facts) { f.Action = ActionVerifyEmail }),
			Decision{
				Allowed: true, Rule: "customers-verify", Pool: prod, Action: ActionVerifyEmail,
				Approvals: 2, Approvers: []string{"U0BOB", "U0CAROL"}, SelfApproval: true, ExpiresAfter: 24 * time.Hour,
				Requires:        Requirements{Ticket: true},
				Limits:          Limits{PerRequesterMax: 20, PerRequesterWindow: 24 * time.Hour, PerTargetMax: 1, PerTargetWindow: 48 * time.Hour},
				DependsOnTarget: true,
			},
		},
		{
			"ticket without pattern: any ticket",
			with(supportFacts(), func(f *Facts) { f.Action, f.Ticket = ActionVerifyEmail, "" }),
			Decision{
				Rule: "customers-verify", Pool: prod, Action: ActionVerifyEmail,
				Reason:    "The request must still carry a ticket reference.",
				Missing:   []string{"ticket"},
				Approvals: 2, Approvers: []string{"U0BOB", "U0CAROL"}, SelfApproval: true, ExpiresAfter: 24 * time.Hour,
				Requires:        Requirements{Ticket: true},
				Limits:          Limits{PerRequesterMax: 20, PerRequesterWindow: 24 * time.Hour, PerTargetMax: 1, PerTargetWindow: 48 * time.Hour},
				DependsOnTarget: true,
			},
		},
		{
			"any_of not matched",
			with(supportFacts(), func(f *Facts) { f.Action, f.TargetGroups = ActionVerifyEmail, []string{"staff"} }),
			Decision{Reason: `Rule "customers-verify" allows verify-email in pool prod only for users in the group customers; this user's Cognito groups do not fit.`, Pool: prod, Action: ActionVerifyEmail, DependsOnTarget: true},
		},
		{
			"target groups unknown read as none",
			with(supportFacts(), func(f *Facts) { f.TargetGroups = nil }),
			supportDecision(),
		},
		{
			"no target condition weighed",
			with(supportFacts(), func(f *Facts) { f.Action = ActionStatus }),
			Decision{Allowed: true, Rule: "status", Pool: prod, Action: ActionStatus, Limits: defaultLookups},
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
	for _, a := range Actions {
		f := Facts{Team: "T1", Channel: "C1", Requester: "U0ANY", Action: a}
		got := p.Decide(f)
		want := Decision{Pool: prod, Action: a, Reason: "The policy has no rules yet, so it allows only status."}
		if a == ActionStatus {
			want = Decision{Allowed: true, Rule: "default", Pool: prod, Action: a, Limits: defaultLookups}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Decide(%s) mismatch (-want +got):\n%s", a, diff)
		}
	}
}

// defaultLookups is the lookup limit of a file that sets none.
var defaultLookups = Limits{PerRequesterLookupsMax: DefaultLookupsMax, PerRequesterLookupsWindow: DefaultLookupsWindow}

func TestDecideLookupLimits(t *testing.T) {
	const rules = `
rules:
  - name: look
    actions: [status, history]
    requesters: ["*"]
`
	for _, tc := range []struct {
		name, file string
		want       Limits
	}{
		{"the default when the file sets none", "pools:\n  prod: {id: eu-west-1_Prod1234}\n" + rules, defaultLookups},
		{
			"the file's",
			"pools:\n  prod: {id: eu-west-1_Prod1234}\nlimits:\n  per_requester: {max: 5, window: 1h}\n  per_requester_lookups: {max: 10, window: 30m}\n" + rules,
			Limits{PerRequesterLookupsMax: 10, PerRequesterLookupsWindow: 30 * time.Minute},
		},
		{
			"the rule's over the file's",
			"pools:\n  prod: {id: eu-west-1_Prod1234}\nlimits:\n  per_requester_lookups: {max: 10, window: 30m}\n" + rules +
				"    limits: {per_requester_lookups: {max: 3, window: 1m}}\n",
			Limits{PerRequesterLookupsMax: 3, PerRequesterLookupsWindow: time.Minute},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.file)
			for _, a := range []Action{ActionStatus, ActionHistory} {
				got := p.Decide(Facts{Requester: "U0ANY", Action: a})
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
	f := Facts{Requester: "U0DAN", Groups: []string{"@support"}, Action: ActionReset, TargetGroups: []string{"partners", "staff"}}
	want := `Rule "customers" allows reset in pool prod only for users in one of the groups customers or partners and in none of the groups staff and admins; this user's Cognito groups do not fit.`
	if got := p.Decide(f).Reason; got != want {
		t.Errorf("Reason = %q, want %q", got, want)
	}
	f.TargetGroups = []string{"partners"}
	if d := p.Decide(f); !d.Allowed || !d.DependsOnTarget {
		t.Errorf("Decide() = %+v, want allowed, depending on the target", d)
	}
}
