package demo

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// builtinPolicy is the demo's own policy file.
//
//go:embed policy.yaml
var builtinPolicy []byte

// BuiltinPolicyName is how the demo names its own policy file.
const BuiltinPolicyName = "demo-policy.yaml"

// defaultTeam and defaultChannel are used when a policy file names no workspace or channel.
const (
	defaultTeam        = "T0DEMO0001"
	defaultChannel     = "C0DEMORESETS"
	defaultChannelName = "support-resets"
)

// Channel is a channel of the demo workspace.
type Channel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Group is a Slack user group of the demo workspace.
type Group struct {
	ID      string   `json:"id"`
	Handle  string   `json:"handle"` // without the @
	Members []string `json:"members"`
}

// Workspace is what the demo runs: the Slack workspace (team, channels, people, user
// groups), the Cognito pools to seed, and the policy file that ties them together.
type Workspace struct {
	TeamID   string
	Channels []Channel // the page shows the first
	People   []Person
	Groups   []Group
	Pools    []policy.Pool
	// TargetGroups are the Cognito groups the policy names, which the demo pools hold.
	TargetGroups []string
	// DenyGroups are the Cognito groups deny rules protect; the admin demo user is in them.
	DenyGroups []string
	// Policy is the policy file's content, PolicyName where it came from.
	Policy     []byte
	PolicyName string
	// Notes say how a policy file given with -policy was mapped, one line each.
	Notes []string
}

// Builtin is the demo's own workspace and policy.
func Builtin() (Workspace, error) {
	ws, err := FromPolicy(builtinPolicy, BuiltinPolicyName)
	ws.Notes = nil // the demo's own groups need no explaining
	return ws, err
}

// HowPolicyIsMapped explains, for --help, what FromPolicy does with a policy file.
const HowPolicyIsMapped = `With -policy FILE the demo runs your policy file, unchanged, against demo data:
  - each pool it names becomes a demo pool with the same id, holding the demo users;
  - the workspace is its first team id, and its channels are the demo's channels
    (the page shows the first);
  - its user groups are filled with demo people by their handles, or by their ids for
    groups named by id (S0SUPPORT1 becomes @support): a name holding "lead",
    "approv" or "manag" gets the two leads, "sec" or "admin" the security person, any
    other the two support engineers (the leads, when the file names it only among
    approvers); Slack user ids it names become people of their own;
  - the outsider is in no group; dave, the admin user, is in every Cognito group a
    deny rule protects.`

// FromPolicy builds the demo workspace for a policy file: its pools, channels and user
// groups, filled with the demo people as HowPolicyIsMapped says.
func FromPolicy(data []byte, name string) (Workspace, error) {
	p, err := policyfile.Parse(data, name)
	if err != nil {
		return Workspace{}, fmt.Errorf("policy %s: %w", name, err)
	}
	ws := Workspace{
		TeamID: defaultTeam, People: slices.Clone(people), Pools: p.Pools(),
		Policy: data, PolicyName: name,
	}
	teams, enterprise := p.Workspace()
	switch {
	case len(teams) > 0:
		ws.TeamID = teams[0]
	case enterprise != "":
		ws.Notes = append(ws.Notes, fmt.Sprintf("the policy allows the enterprise %s only; the demo workspace belongs to none, so every request is refused", enterprise))
	}
	ids, _ := p.Channels()
	if len(ids) == 0 {
		ids = []string{defaultChannel}
	}
	for i, id := range ids {
		name := defaultChannelName
		if i > 0 {
			name = "demo-" + strings.ToLower(id)
		}
		ws.Channels = append(ws.Channels, Channel{ID: id, Name: name})
	}
	ws.addPrincipals(p.Rules())
	return ws, nil
}

// addPrincipals adds the user groups and people the rules name, and the Cognito groups.
func (ws *Workspace) addPrincipals(rules []policy.Rule) {
	asRequester := map[string]bool{}
	var named []string // in order of first mention
	for _, r := range rules {
		for _, n := range r.Requesters {
			asRequester[n] = true
			named = appendNew(named, n)
		}
		for _, n := range r.Approvers {
			named = appendNew(named, n)
		}
		for _, g := range slices.Concat(r.TargetAnyOf, r.TargetNoneOf) {
			ws.TargetGroups = appendNew(ws.TargetGroups, g)
		}
		if r.Deny {
			for _, g := range r.TargetAnyOf {
				ws.DenyGroups = appendNew(ws.DenyGroups, g)
			}
		}
	}
	for _, n := range named {
		switch {
		case n == "*":
		case strings.HasPrefix(n, "@"), strings.HasPrefix(n, "S"):
			ws.addGroup(n, !asRequester[n])
		default:
			ws.addNamedPerson(n)
		}
	}
	ws.TargetGroups = appendNew(ws.TargetGroups, "admins")
	if len(ws.DenyGroups) == 0 {
		ws.DenyGroups = []string{"admins"}
	}
}

// addGroup adds a user group named by @handle or id, filled by its name.
func (ws *Workspace) addGroup(ref string, approverOnly bool) {
	g := Group{ID: ref, Handle: handleOfID(ref)}
	if handle, ok := strings.CutPrefix(ref, "@"); ok {
		g = Group{ID: fmt.Sprintf("S0DEMO%04d", len(ws.Groups)+1), Handle: handle}
	}
	g.Members = withRole(ws.People, roleOfGroup(g.Handle, approverOnly))
	ws.Groups = append(ws.Groups, g)
	if !strings.HasPrefix(ref, "@") {
		ws.Notes = append(ws.Notes, fmt.Sprintf("user group %s is @%s, with %s", ref, g.Handle, strings.Join(g.Members, ", ")))
	}
}

// addNamedPerson adds a person for a Slack user id the policy names, unless one exists.
func (ws *Workspace) addNamedPerson(id string) {
	if slices.ContainsFunc(ws.People, func(p Person) bool { return p.ID == id }) {
		return
	}
	ws.People = append(ws.People, Person{ID: id, Name: strings.ToLower(id), RealName: "Named " + id, Role: RoleNamed})
}

// Person returns the person with this id.
func (ws Workspace) Person(id string) (Person, bool) {
	i := slices.IndexFunc(ws.People, func(p Person) bool { return p.ID == id })
	if i < 0 {
		return Person{}, false
	}
	return ws.People[i], true
}

// handleOfID makes up the @handle of a user group the policy names by id: the id without its
// "S0" and trailing digits, in lower case (S0SUPPORT1 is @support), or the whole id in lower
// case when that leaves nothing.
func handleOfID(id string) string {
	h := strings.TrimRight(strings.TrimPrefix(id, "S0"), "0123456789")
	if h == "" {
		return strings.ToLower(id)
	}
	return strings.ToLower(h)
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
