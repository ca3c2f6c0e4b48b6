package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPermitted(t *testing.T) {
	p := mustParse(t, decidePolicy)
	person := Facts{Team: "T0TEAM1", Channel: "C0ANY"}
	tests := []struct {
		name  string
		facts Facts
		want  map[string][]Action
	}{
		{
			"support: target-group rules count, deny rules on target groups do not",
			with(person, func(f *Facts) { f.Requester, f.Groups = "U0DAN", []string{"@support"} }),
			map[string][]Action{
				"prod":    {ActionStatus, ActionHistory, ActionReset, ActionTempPassword, ActionVerifyEmail},
				"staging": {ActionStatus, ActionHistory, ActionVerifyEmail},
			},
		},
		{
			"a lead",
			with(person, func(f *Facts) { f.Requester, f.Groups = "U0LEAD", []string{"@support-leads"} }),
			map[string][]Action{
				"prod":    {ActionStatus, ActionHistory, ActionReset},
				"staging": {ActionStatus, ActionHistory},
			},
		},
		{
			"a requester denied by a rule on requesters",
			with(person, func(f *Facts) { f.Requester, f.Groups = "U0DAN", []string{"@support", "@contractors"} }),
			map[string][]Action{},
		},
		{
			"pool, action and target in the facts are ignored",
			with(person, func(f *Facts) {
				f.Requester, f.Pool, f.Action, f.TargetGroups = "U0ANY", "prod", ActionReset, []string{"admins"}
			}),
			map[string][]Action{"prod": {ActionStatus, ActionHistory}, "staging": {ActionStatus, ActionHistory}},
		},
		{
			"channel not allowed",
			with(person, func(f *Facts) { f.Requester, f.Channel = "U0DAN", "C0ELSEWHERE" }),
			map[string][]Action{},
		},
		{
			"workspace not allowed",
			with(person, func(f *Facts) { f.Requester, f.Team = "U0DAN", "T0ELSEWHERE" }),
			map[string][]Action{},
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
	want := map[string][]Action{"prod": {ActionStatus}, "staging": {ActionStatus}}
	if diff := cmp.Diff(want, p.Permitted(Facts{Requester: "U0ANY"})); diff != "" {
		t.Errorf("Permitted() mismatch (-want +got):\n%s", diff)
	}
}
