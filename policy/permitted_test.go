package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
)

func TestPermitted(t *testing.T) {
	p := mustParse(t, decidePolicy)
	person := policy.Facts{Team: "T0TEAM1", Channel: "C0ANY"}
	tests := []struct {
		name  string
		facts policy.Facts
		want  map[string][]policy.Action
	}{
		{
			"support: target-group rules count, deny rules on target groups do not",
			with(person, func(f *policy.Facts) { f.Requester, f.Groups = "U0DAN", []string{"@support"} }),
			map[string][]policy.Action{
				"prod":    {policy.ActionStatus, policy.ActionHistory, policy.ActionReset, policy.ActionTempPassword, policy.ActionVerifyEmail},
				"staging": {policy.ActionStatus, policy.ActionHistory, policy.ActionVerifyEmail},
			},
		},
		{
			"a lead",
			with(person, func(f *policy.Facts) { f.Requester, f.Groups = "U0LEAD", []string{"@support-leads"} }),
			map[string][]policy.Action{
				"prod":    {policy.ActionStatus, policy.ActionHistory, policy.ActionReset},
				"staging": {policy.ActionStatus, policy.ActionHistory},
			},
		},
		{
			"a requester denied by a rule on requesters",
			with(person, func(f *policy.Facts) { f.Requester, f.Groups = "U0DAN", []string{"@support", "@contractors"} }),
			map[string][]policy.Action{},
		},
		{
			"pool, action and target in the facts are ignored",
			with(person, func(f *policy.Facts) {
				f.Requester, f.Pool, f.Action, f.TargetGroups = "U0ANY", "prod", policy.ActionReset, []string{"admins"}
			}),
			map[string][]policy.Action{"prod": {policy.ActionStatus, policy.ActionHistory}, "staging": {policy.ActionStatus, policy.ActionHistory}},
		},
		{
			"channel not allowed",
			with(person, func(f *policy.Facts) { f.Requester, f.Channel = "U0DAN", "C0ELSEWHERE" }),
			map[string][]policy.Action{},
		},
		{
			"workspace not allowed",
			with(person, func(f *policy.Facts) { f.Requester, f.Team = "U0DAN", "T0ELSEWHERE" }),
			map[string][]policy.Action{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, p.Permitted(tt.facts)); diff != "" {
				t.Errorf("Permitted() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPermittedOnlyPools(t *testing.T) {
	p := mustParse(t, `
pools:
  prod: {id: eu-west-1_Prod1234}
  staging: {id: us-east-1_Stag1234}
`)
	want := map[string][]policy.Action{"prod": {policy.ActionStatus}, "staging": {policy.ActionStatus}}
	if diff := cmp.Diff(want, p.Permitted(policy.Facts{Requester: "U0ANY"})); diff != "" {
		t.Errorf("Permitted() mismatch (-want +got):\n%s", diff)
	}
}
