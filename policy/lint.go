package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/resetbot/resetbot/internal/words"
)

// lintChecks look at one allow rule each; every message found becomes a warning.
var lintChecks = []func(r *rule) string{
	func(r *rule) string {
		if slices.Contains(r.Actions, ActionPermanentPassword) && r.Approvals < 2 {
			return fmt.Sprintf("allows permanent-password with %d %s; a password the user keeps should be approved by two people", r.Approvals, plural(r.Approvals, "approval", "approvals"))
		}
		return ""
	},
	func(r *rule) string {
		if r.SelfApproval && r.Approvals == 1 {
			return "lets a requester approve their own request alone (self_approval with approvals: 1)"
		}
		return ""
	},
	func(r *rule) string {
		if !slices.ContainsFunc(r.requesters, func(p principal) bool { return p.kind == principalAnyone }) {
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

// lint finds what a reviewer should look at twice in a valid policy.
func lint(p *Policy) []Warning {
	var ws []Warning
	if len(p.teams) == 0 && p.enterprise == "" {
		ws = append(ws, Warning{File: p.file, Line: 1, Message: "no workspace is set: people in any workspace the app is installed in may use the bot"})
	}
	cov := newCoverage()
	sets := make([]ruleSets, len(p.rules))
	for i, r := range p.rules {
		sets[i] = cov.sets(r)
	}
	for i, r := range p.rules {
		if r.Line == 0 {
			continue // the built-in rule
		}
		for j, earlier := range p.rules[:i] {
			if cov.shadows(sets[j], sets[i], earlier.hasTarget()) {
				ws = append(ws, Warning{File: p.file, Line: r.Line, Rule: r.Name, Message: fmt.Sprintf("is never reached: rule %q (line %d) matches every request it would", earlier.Name, earlier.Line)})
				break
			}
		}
		if msg := namesHandles(r); msg != "" {
			ws = append(ws, Warning{File: p.file, Line: r.Line, Rule: r.Name, Message: msg})
		}
		if r.Deny {
			continue
		}
		for _, check := range lintChecks {
			if msg := check(r); msg != "" {
				ws = append(ws, Warning{File: p.file, Line: r.Line, Rule: r.Name, Message: msg})
			}
		}
	}
	return ws
}

// namesHandles warns about user groups named by @handle. Whoever may edit user groups can rename
// a group, or give its handle to another group, and so change who may ask or approve; a group's
// id (S…) never changes.
func namesHandles(r *rule) string {
	var handles []string
	for _, p := range slices.Concat(r.requesters, r.approvers) {
		if p.kind == principalGroup && strings.HasPrefix(p.id, "@") && !slices.Contains(handles, p.id) {
			handles = append(handles, p.id)
		}
	}
	if len(handles) == 0 {
		return ""
	}
	return fmt.Sprintf("names %s by handle, which anyone who may edit user groups can rename or give to another group; name each group by its id (S0123ABCD), which does not change", words.And(handles))
}
