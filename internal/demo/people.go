package demo

import "strings"

// Role is what a demo person does.
type Role string

// The roles of the demo people.
const (
	RoleSupport  Role = "support engineer"
	RoleLead     Role = "support lead"
	RoleSecurity Role = "security"
	RoleOutsider Role = "outsider"
	RoleNamed    Role = "named in the policy"
)

// Person is someone in the demo workspace.
type Person struct {
	ID       string `json:"id"`
	Name     string `json:"name"` // the handle, e.g. "ada"
	RealName string `json:"real_name"`
	Role     Role   `json:"role"`
}

// people are the demo workspace's people, in the order the page lists them.
var people = []Person{
	{ID: "U0DEMOADA", Name: "ada", RealName: "Ada Lovelace", Role: RoleSupport},
	{ID: "U0DEMOBEN", Name: "ben", RealName: "Ben Okafor", Role: RoleSupport},
	{ID: "U0DEMOLENA", Name: "lena", RealName: "Lena Fischer", Role: RoleLead},
	{ID: "U0DEMOMARCO", Name: "marco", RealName: "Marco Rossi", Role: RoleLead},
	{ID: "U0DEMOSOFIA", Name: "sofia", RealName: "Sofia Haddad", Role: RoleSecurity},
	{ID: "U0DEMOOTTO", Name: "otto", RealName: "Otto Berg (marketing)", Role: RoleOutsider},
}

// groupRoles fill a policy's user groups by their names: the first entry whose word is in the
// group's handle gives its members' role. A group matching none holds the support engineers,
// or the leads when the policy names it only among approvers.
var groupRoles = []struct {
	word string
	role Role
}{
	{"lead", RoleLead},
	{"approv", RoleLead},
	{"manag", RoleLead},
	{"sec", RoleSecurity},
	{"admin", RoleSecurity},
}

// roleOfGroup is the role whose people fill a user group named handle.
func roleOfGroup(handle string, approverOnly bool) Role {
	h := strings.ToLower(handle)
	for _, gr := range groupRoles {
		if strings.Contains(h, gr.word) {
			return gr.role
		}
	}
	if approverOnly {
		return RoleLead
	}
	return RoleSupport
}

// withRole lists the ids of the demo people in a role.
func withRole(ps []Person, r Role) []string {
	var ids []string
	for _, p := range ps {
		if p.Role == r {
			ids = append(ids, p.ID)
		}
	}
	return ids
}
