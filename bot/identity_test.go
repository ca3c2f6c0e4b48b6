package bot

import "testing"

func TestIdentityAdmits(t *testing.T) {
	one := identity{Team: "T1", App: "A1"}
	org := identity{Enterprise: "E1", App: "A1"}
	for _, tc := range []struct {
		name                  string
		id                    identity
		team, enterprise, app string
		want                  bool
	}{
		{"its workspace and app", one, "T1", "", "A1", true},
		{"another workspace", one, "T2", "", "A1", false},
		{"another app", one, "T1", "", "A2", false},
		{"a workspace of its enterprise, not its own", identity{Team: "T1", Enterprise: "E1", App: "A1"}, "T2", "E1", "A1", false},
		{"an org-wide install: any workspace of its enterprise", org, "T2", "E1", "A1", true},
		{"an org-wide install: another enterprise", org, "T2", "E2", "A1", false},
		{"an org-wide install: no enterprise", org, "T2", "", "A1", false},
		{"not identified yet: nothing", identity{}, "", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.id.admits(tc.team, tc.enterprise, tc.app); got != tc.want {
				t.Errorf("%+v.admits(%q, %q, %q) = %v, want %v", tc.id, tc.team, tc.enterprise, tc.app, got, tc.want)
			}
		})
	}
}
