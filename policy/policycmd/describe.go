package policycmd

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/words"

	"github.com/resetbot/resetbot/policy"
)

// describePolicy writes what a valid policy does, in plain words.
func describePolicy(w *strings.Builder, p *policy.Policy) {
	fmt.Fprintf(w, "%s is valid (sha256 %s).\n\n", p.File(), p.Digest()[:12])
	teams, enterprise := p.Workspace()
	fmt.Fprintf(w, "Workspace: %s\n", workspacePhrase(teams, enterprise))
	ids, defaults := p.Channels()
	fmt.Fprintf(w, "Channels:  %s\n", channelsPhrase(ids, defaults))
	fmt.Fprintln(w, "Pools:")
	for _, pl := range p.Pools() {
		fmt.Fprintf(w, "  %-12s %s in %s\n", pl.Name, pl.ID, pl.Region)
	}
	if checks := p.IdentityChecks(); len(checks) > 0 {
		fmt.Fprintln(w, "Identity checks:")
		for _, c := range checks {
			fmt.Fprintf(w, "  %-12s %s\n", c.Name, c.Description)
		}
	}
	fmt.Fprintln(w, "Rules, tried in order (the first that matches decides; when none does, the request is denied):")
	for i, r := range p.Rules() {
		describeRule(w, i+1, r)
	}
}

func workspacePhrase(teams []string, enterprise string) string {
	switch {
	case len(teams) == 0 && enterprise == "":
		return "any workspace the app is installed in"
	case enterprise == "":
		return words.Or(teams)
	case len(teams) == 0:
		return "any workspace of enterprise " + enterprise
	}
	return words.Or(teams) + ", or any workspace of enterprise " + enterprise
}

func channelsPhrase(ids []string, defaults map[string]string) string {
	if ids == nil {
		return "any"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id
		if pool := defaults[id]; pool != "" {
			parts[i] += " (default pool " + pool + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func describeRule(w *strings.Builder, n int, r policy.Rule) {
	effect := "allow"
	if r.Deny {
		effect = "deny"
	}
	where := fmt.Sprintf("line %d", r.Line)
	if r.Line == 0 {
		where = "built in"
	}
	fmt.Fprintf(w, "  %d. %s (%s): %s\n", n, r.Name, where, effect)
	if r.Description != "" {
		fmt.Fprintf(w, "     %s\n", r.Description)
	}
	fmt.Fprintf(w, "     matches %s %s, %s, asked by %s\n", actionsPhrase(r.Actions), poolsPhrase(r.Pools), targetPhrase(r), requestersPhrase(r.Requesters))
	if r.Deny {
		fmt.Fprintf(w, "     says %q\n", r.Message)
		return
	}
	writeTerms(w, "     ", terms{
		actions: r.Actions, approvals: r.Approvals, approvers: r.Approvers, self: r.SelfApproval,
		expires: r.ExpiresAfter, remind: r.RemindAfter, requires: r.Requires, limits: r.Limits,
	})
}

// terms are what an allow rule asks of a request: approvals, expiry, what it carries, limits.
type terms struct {
	actions   []policy.Action
	approvals int
	approvers []string
	self      bool
	expires   time.Duration
	remind    time.Duration
	requires  policy.Requirements
	limits    policy.Limits
	given     map[string]bool // for a decision: which requirements the request met
	showGiven bool
}

func writeTerms(w *strings.Builder, indent string, t terms) {
	changes := slices.ContainsFunc(t.actions, func(a policy.Action) bool { return !a.ReadOnly() })
	switch {
	case !changes:
		fmt.Fprintf(w, "%sanswered at once, without approval\n", indent)
	case t.approvals == 0:
		fmt.Fprintf(w, "%sruns at once, without approval\n", indent)
	default:
		own := "not by the requester"
		if t.self {
			own = "the requester's own approval counts once"
		}
		fmt.Fprintf(w, "%sneeds %d %s from %s; %s\n", indent, t.approvals, words.Plural(t.approvals, "approval", "approvals"), words.Or(t.approvers), own)
		expiry := "waits " + policy.FormatDuration(t.expires) + " for approval"
		if t.remind > 0 {
			expiry += ", with a reminder after " + policy.FormatDuration(t.remind)
		}
		fmt.Fprintf(w, "%s%s\n", indent, expiry)
	}
	if carries := requirementsPhrase(t.requires, t.given, t.showGiven); carries != "" {
		fmt.Fprintf(w, "%sthe request must carry %s\n", indent, carries)
	}
	if limits := limitsPhrase(t.limits); changes && limits != "" {
		fmt.Fprintf(w, "%slimits: %s\n", indent, limits)
	}
}

func actionsPhrase(actions []policy.Action) string {
	if actions == nil {
		return "every action"
	}
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = string(a)
	}
	return words.And(names)
}

func poolsPhrase(pools []string) string {
	switch len(pools) {
	case 0:
		return "in every pool"
	case 1:
		return "in pool " + pools[0]
	}
	return "in pools " + words.And(pools)
}

func targetPhrase(r policy.Rule) string {
	var parts []string
	if len(r.TargetAnyOf) > 0 {
		parts = append(parts, "in "+words.Or(r.TargetAnyOf))
	}
	if len(r.TargetNoneOf) > 0 {
		parts = append(parts, "not in "+words.Or(r.TargetNoneOf))
	}
	if len(parts) == 0 {
		return "for any user"
	}
	return "for users " + strings.Join(parts, " and ")
}

func requestersPhrase(requesters []string) string {
	if requesters == nil || slices.Contains(requesters, "*") {
		return "anyone"
	}
	return words.Or(requesters)
}

// requirementsPhrase says what a request must carry; with showGiven, whether each was given.
func requirementsPhrase(req policy.Requirements, given map[string]bool, showGiven bool) string {
	var parts []string
	add := func(name, what string) {
		if showGiven {
			state := "met"
			if !given[name] {
				state = "not met"
			}
			what += " (" + state + ")"
		}
		parts = append(parts, what)
	}
	if req.Ticket {
		what := "a ticket"
		if req.TicketPattern != "" {
			what += " matching " + req.TicketPattern
		}
		add("ticket", what)
	}
	if req.Reason {
		add("reason", "a reason")
	}
	if len(req.VerifiedBy) > 0 {
		add("verified_by", "an identity check: "+words.Or(req.VerifiedBy))
	}
	return words.And(parts)
}

func limitsPhrase(l policy.Limits) string {
	var parts []string
	if l.PerRequesterMax > 0 {
		parts = append(parts, fmt.Sprintf("%d %s per requester per %s", l.PerRequesterMax, words.Plural(l.PerRequesterMax, "request", "requests"), policy.FormatDuration(l.PerRequesterWindow)))
	}
	if l.PerTargetMax > 0 {
		parts = append(parts, fmt.Sprintf("%d %s per user per %s", l.PerTargetMax, words.Plural(l.PerTargetMax, "request", "requests"), policy.FormatDuration(l.PerTargetWindow)))
	}
	return strings.Join(parts, "; ")
}
