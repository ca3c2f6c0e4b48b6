package demo

import (
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

func TestFromPolicyMapsTheExamplePolicy(t *testing.T) {
	data, err := os.ReadFile("../../deploy/policy.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := FromPolicy(data, "policy.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if ws.TeamID != "T0EXAMPLE1" {
		t.Errorf("team %s, want the policy's T0EXAMPLE1", ws.TeamID)
	}
	wantChannels := []Channel{{ID: "C0SUPPORT1", Name: "support-resets"}, {ID: "C0STAGING1", Name: "demo-c0staging1"}}
	if diff := cmp.Diff(wantChannels, ws.Channels); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}
	wantGroups := []Group{
		{ID: "S0SUPPORT1", Handle: "support", Members: []string{"U0DEMOADA", "U0DEMOBEN"}},
		{ID: "S0LEADS001", Handle: "leads", Members: []string{"U0DEMOLENA", "U0DEMOMARCO"}},
	}
	if diff := cmp.Diff(wantGroups, ws.Groups); diff != "" {
		t.Errorf("user groups (-want +got):\n%s", diff)
	}
	if p, ok := ws.Person("U0SECLEAD1"); !ok || p.Role != RoleNamed {
		t.Errorf("the user id the policy names as an approver is no person of the demo: %+v", p)
	}
	var pools []string
	for _, p := range ws.Pools {
		pools = append(pools, p.Name+"="+p.ID)
	}
	if diff := cmp.Diff([]string{"prod=eu-west-1_AbCdEf123", "staging=us-east-1_XyZ987654"}, pools); diff != "" {
		t.Errorf("pools (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"admins", "security"}, ws.DenyGroups); diff != "" {
		t.Errorf("groups the admin user is in (-want +got):\n%s", diff)
	}
	if !slices.Contains(ws.TargetGroups, "service-accounts") {
		t.Errorf("the pools lack the group service-accounts the policy names: %v", ws.TargetGroups)
	}
}

func TestHandleOfID(t *testing.T) {
	for id, want := range map[string]string{"S0SUPPORT1": "support", "S0LEADS001": "leads", "S0123": "s0123", "SABC": "sabc"} {
		if got := handleOfID(id); got != want {
			t.Errorf("handleOfID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestRoleOfGroup(t *testing.T) {
	for _, tc := range []struct {
		handle       string
		approverOnly bool
		want         Role
	}{
		{"support", false, RoleSupport},
		{"support-leads", false, RoleLead},
		{"approvers", false, RoleLead},
		{"eng-managers", false, RoleLead},
		{"security", false, RoleSecurity},
		{"it-admins", false, RoleSecurity},
		{"helpdesk", true, RoleLead},
		{"abcdef", false, RoleSupport},
	} {
		if got := roleOfGroup(tc.handle, tc.approverOnly); got != tc.want {
			t.Errorf("roleOfGroup(%q, %v) = %s, want %s", tc.handle, tc.approverOnly, got, tc.want)
		}
	}
}

// TestBuiltinPolicyUsesEveryFeature holds the demo's own policy to what the demo is for:
// approvals, no self-approval, a deny rule for admins, a required ticket and identity check,
// limits, reminders and expiry on a short clock, and no warning.
func TestBuiltinPolicyUsesEveryFeature(t *testing.T) {
	ws, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p, err := policyfile.Parse(ws.Policy, ws.PolicyName)
	if err != nil {
		t.Fatal(err)
	}
	if w := policyfile.Lint(p); len(w) > 0 {
		t.Errorf("the demo policy has warnings: %v", w)
	}
	features := map[string]func(r policy.Rule) bool{
		"a deny rule for admins": func(r policy.Rule) bool { return r.Deny && slices.Contains(r.TargetAnyOf, "admins") },
		"approvals":              func(r policy.Rule) bool { return r.Approvals > 1 },
		"no self-approval":       func(r policy.Rule) bool { return r.Approvals > 0 && !r.SelfApproval },
		"self-approval":          func(r policy.Rule) bool { return r.SelfApproval },
		"no approval": func(r policy.Rule) bool {
			return !r.Deny && r.Approvals == 0 && !slices.Contains(r.Actions, policy.ActionStatus)
		},
		"a ticket pattern":    func(r policy.Rule) bool { return r.Requires.Ticket && r.Requires.TicketPattern != "" },
		"an identity check":   func(r policy.Rule) bool { return len(r.Requires.VerifiedBy) > 0 },
		"a rule's own limits": func(r policy.Rule) bool { return r.Limits.PerRequesterMax == 1 },
		"a short expiry":      func(r policy.Rule) bool { return r.ExpiresAfter > 0 && r.ExpiresAfter <= 10*60e9 },
		"a reminder":          func(r policy.Rule) bool { return r.RemindAfter > 0 && r.RemindAfter <= 2*60e9 },
	}
	for name, has := range features {
		if !slices.ContainsFunc(p.Rules(), has) {
			t.Errorf("the demo policy has no rule with %s", name)
		}
	}
	var roles []Role
	for _, g := range ws.Groups {
		for _, m := range g.Members {
			person, _ := ws.Person(m)
			roles = append(roles, person.Role)
		}
	}
	if slices.Contains(roles, RoleOutsider) {
		t.Error("the outsider is in a user group")
	}
	for _, r := range []Role{RoleSupport, RoleLead, RoleSecurity} {
		if !slices.Contains(roles, r) {
			t.Errorf("no user group holds the %s", r)
		}
	}
}

// FuzzFromPolicy: whatever policy file the policy package accepts, the demo builds a
// workspace the fakes can hold: a channel, groups with ids and handles, people with unique ids.
func FuzzFromPolicy(f *testing.F) {
	for _, name := range []string{"policy.yaml", "../../deploy/policy.example.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("pools:\n  p: {id: eu-west-1_X1}\nrules:\n  - name: r\n    actions: [reset]\n    requesters: [S0ABC, U0XYZ, \"@x\"]\n    approvers: [\"*\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := policyfile.Parse(data, "fuzz.yaml"); err != nil {
			return
		}
		ws, err := FromPolicy(data, "fuzz.yaml")
		if err != nil {
			t.Fatalf("the policy parses but FromPolicy fails: %v", err)
		}
		if len(ws.Channels) == 0 || ws.TeamID == "" {
			t.Fatalf("no channel or no team: %+v", ws)
		}
		ids := map[string]bool{}
		for _, p := range ws.People {
			if ids[p.ID] {
				t.Fatalf("two people with the id %s", p.ID)
			}
			ids[p.ID] = true
		}
		for _, g := range ws.Groups {
			if g.ID == "" || g.Handle == "" {
				t.Fatalf("a group without an id or a handle: %+v", g)
			}
		}
		if len(ws.Seed().Pools) != len(ws.Pools) {
			t.Fatalf("the seed does not hold every pool")
		}
	})
}
