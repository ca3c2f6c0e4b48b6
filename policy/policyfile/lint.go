package policyfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/resetbot/resetbot/internal/words"
	"github.com/resetbot/resetbot/policy"
)

// Warning is something in a valid policy file a reviewer should look at twice: a rule that is
// never reached, a permanent password with fewer than two approvals, and the like.
type Warning struct {
	File    string
	Line    int
	Rule    string // the rule it is about, "" for the file as a whole
	Message string
}

func (w Warning) String() string {
	if w.Rule != "" {
		return fmt.Sprintf("%s:%d: rule %q: %s", w.File, w.Line, w.Rule, w.Message)
	}
	return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
}

// lintChecks look at one allow rule each; every message found becomes a warning.
var lintChecks = []func(r policy.Rule) string{
	func(r policy.Rule) string {
		if slices.Contains(r.Actions, policy.ActionPermanentPassword) && r.Approvals < 2 {
			return fmt.Sprintf("allows permanent-password with %d %s; a password the user keeps should be approved by two people", r.Approvals, words.Plural(r.Approvals, "approval", "approvals"))
		}
		return ""
	},
	func(r policy.Rule) string {
		if r.SelfApproval && r.Approvals == 1 {
			return "lets a requester approve their own request alone (self_approval with approvals: 1)"
		}
		return ""
	},
	func(r policy.Rule) string {
		if !slices.Contains(r.Requesters, "*") {
			return ""
		}
		var writes []string
		for _, a := range r.Actions {
			if !a.ReadOnly() {
				writes = append(writes, string(a))
			}
		}
		if len(writes) == 0 {
			return ""
		}
		return fmt.Sprintf(`lets anyone who may use the bot ask for %s (requesters: "*")`, strings.Join(writes, ", "))
	},
}

// Lint finds what a reviewer should look at twice in a valid policy: a rule that is never
// reached, a permanent password with fewer than two approvals, a user group named by handle,
// and the like. A new warning is a function in lintChecks.
func Lint(p *policy.Policy) []Warning {
	var ws []Warning
	if teams, enterprise := p.Workspace(); len(teams) == 0 && enterprise == "" {
		ws = append(ws, Warning{File: p.File(), Line: 1, Message: "no workspace is set: people in any workspace the app is installed in may use the bot"})
	}
	rules := p.Rules()
	cov := newCoverage()
	sets := make([]ruleSets, len(rules))
	for i, r := range rules {
		sets[i] = cov.sets(r)
	}
	for i, r := range rules {
		if r.Line == 0 {
			continue // the built-in rule
		}
		warn := func(msg string) {
			ws = append(ws, Warning{File: p.File(), Line: r.Line, Rule: r.Name, Message: msg})
		}
		for j, earlier := range rules[:i] {
			if cov.shadows(sets[j], sets[i], hasTarget(earlier)) {
				warn(fmt.Sprintf("is never reached: rule %q (line %d) matches every request it would", earlier.Name, earlier.Line))
				break
			}
		}
		if msg := namesHandles(r); msg != "" {
			warn(msg)
		}
		if r.Deny {
			continue
		}
		for _, check := range lintChecks {
			if msg := check(r); msg != "" {
				warn(msg)
			}
		}
	}
	return ws
}

func hasTarget(r policy.Rule) bool { return len(r.TargetAnyOf) > 0 || len(r.TargetNoneOf) > 0 }

// namesHandles warns about user groups named by @handle. Whoever may edit user groups can rename
// a group, or give its handle to another group, and so change who may ask or approve; a group's
// id (S…) never changes.
func namesHandles(r policy.Rule) string {
	var handles []string
	for _, s := range slices.Concat(r.Requesters, r.Approvers) {
		if p, err := policy.ParsePrincipal(s, true); err == nil && p.Handle() && !slices.Contains(handles, p.ID) {
			handles = append(handles, p.ID)
		}
	}
	if len(handles) == 0 {
		return ""
	}
	return fmt.Sprintf("names %s by handle, which anyone who may edit user groups can rename or give to another group; name each group by its id (S0123ABCD), which does not change", words.And(handles))
}
