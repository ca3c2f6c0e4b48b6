package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/resetbot/resetbot/internal/textform"
	"github.com/resetbot/resetbot/internal/words"
)

// decideSteps are the checks Decide makes, in order. Each fills in the decision; one that
// returns false has denied it and the rest are skipped.
var decideSteps = []func(p *Policy, f Facts, d *Decision) bool{
	(*Policy).checkAction,
	(*Policy).checkWorkspace,
	(*Policy).checkChannel,
	(*Policy).resolvePool,
	(*Policy).applyRule,
	(*Policy).checkRequirements,
}

// Decide answers whether the request f describes is allowed: by which rule, with how many
// approvals from whom, and what the request must still carry. It denies with a reason in
// plain words when the workspace or channel is not allowed, the pool is unknown or not said,
// a deny rule matches, no rule matches, or the request lacks what its rule requires.
func (p *Policy) Decide(f Facts) Decision {
	d := Decision{Action: f.Action}
	for _, step := range decideSteps {
		if !step(p, f, &d) {
			d.Allowed = false
			return d
		}
	}
	d.Allowed = true
	return d
}

func deny(d *Decision, format string, args ...any) bool {
	d.Reason = fmt.Sprintf(format, args...)
	return false
}

// echoableChars are what may be quoted back to a person as typed: nothing that could be markup.
var echoableChars = textform.Chars("A-Za-z0-9._-")

// echoable reports whether typed may be quoted back: ^[A-Za-z0-9._-]{1,40}$.
func echoable(typed string) bool { return textform.Only(typed, echoableChars, 1, 40) }

// named says "the pool" or "the pool \"x\"" when x is safe to quote back.
func named(what, typed string) string {
	if echoable(typed) {
		return fmt.Sprintf("%s %q", what, typed)
	}
	return what
}

func (p *Policy) checkAction(f Facts, d *Decision) bool {
	if _, ok := ParseAction(string(f.Action)); !ok {
		return deny(d, "There is no %s; the actions are: %s.", named("action", string(f.Action)), ActionNames())
	}
	return true
}

func (p *Policy) checkWorkspace(f Facts, d *Decision) bool {
	switch {
	case len(p.teams) == 0 && p.enterprise == "":
	case f.Team != "" && slices.Contains(p.teams, f.Team):
	case p.enterprise != "" && f.Enterprise == p.enterprise:
	default:
		return deny(d, "This Slack workspace may not use the bot.")
	}
	return true
}

func (p *Policy) checkChannel(f Facts, d *Decision) bool {
	if p.channels == nil || slices.ContainsFunc(p.channels, func(c Channel) bool { return c.ID == f.Channel }) {
		return true
	}
	ids := make([]string, len(p.channels))
	for i, c := range p.channels {
		ids[i] = c.ID
	}
	return deny(d, "Requests are taken only in these channels: %s.", strings.Join(ids, ", "))
}

func (p *Policy) resolvePool(f Facts, d *Decision) bool {
	name := f.Pool
	if name == "" {
		name = p.defaultPool(f.Channel)
	}
	if name == "" {
		return deny(d, "Say which pool the request is for: %s.", words.Or(poolList(p.pools)))
	}
	pool, ok := p.Pool(name)
	if !ok {
		return deny(d, "There is no %s; the pools are: %s.", named("pool", name), PoolNames(p.pools))
	}
	d.Pool = pool
	return true
}

// defaultPool is the channel's default pool, else the only pool, else "".
func (p *Policy) defaultPool(channelID string) string {
	for _, c := range p.channels {
		if c.ID == channelID && c.DefaultPool != "" {
			return c.DefaultPool
		}
	}
	if len(p.pools) == 1 {
		return p.pools[0].Name
	}
	return ""
}

func (p *Policy) applyRule(f Facts, d *Decision) bool {
	m := p.match(f, d.Pool.Name, false)
	d.DependsOnTarget = m.dependsOnTarget
	r := m.rule
	if r == nil {
		return deny(d, "%s", p.noRuleReason(f, d.Pool.Name, m))
	}
	d.Rule = r.Name
	if r.Deny {
		return deny(d, "%s", r.Message)
	}
	d.Requires = r.Requires
	d.Requires.VerifiedBy = slices.Clone(r.Requires.VerifiedBy)
	if f.Action.ReadOnly() {
		d.Limits = lookupLimits(r.Limits)
		return true
	}
	d.Approvals = r.Approvals
	d.Approvers = slices.Clone(r.Approvers)
	d.SelfApproval = r.SelfApproval
	d.ExpiresAfter = r.ExpiresAfter
	d.RemindAfter = r.RemindAfter
	d.Limits = r.Limits
	return true
}

// lookupLimits is the limit on read-only lookups of a rule: its own, the file's, or the default.
func lookupLimits(l Limits) Limits {
	if l.PerRequesterLookupsMax == 0 {
		return Limits{PerRequesterLookupsMax: DefaultLookupsMax, PerRequesterLookupsWindow: DefaultLookupsWindow}
	}
	return Limits{PerRequesterLookupsMax: l.PerRequesterLookupsMax, PerRequesterLookupsWindow: l.PerRequesterLookupsWindow}
}

func (p *Policy) noRuleReason(f Facts, pool string, m matched) string {
	if len(p.rules) == 1 && p.rules[0].Name == defaultRuleName && p.rules[0].Line == 0 {
		return "The policy has no rules yet, so it allows only status."
	}
	if r := m.targetMiss; r != nil {
		var only []string
		switch len(r.TargetAnyOf) {
		case 0:
		case 1:
			only = append(only, "in the group "+r.TargetAnyOf[0])
		default:
			only = append(only, "in one of the groups "+words.Or(r.TargetAnyOf))
		}
		switch len(r.TargetNoneOf) {
		case 0:
		case 1:
			only = append(only, "not in the group "+r.TargetNoneOf[0])
		default:
			only = append(only, "in none of the groups "+words.And(r.TargetNoneOf))
		}
		return fmt.Sprintf("Rule %q allows %s in pool %s only for users %s; this user's Cognito groups do not fit.", r.Name, f.Action, pool, words.And(only))
	}
	if len(m.requesterMiss) > 0 {
		var who, rules []string
		for _, r := range m.requesterMiss {
			rules = append(rules, r.Name)
			for _, q := range r.Requesters {
				if !slices.Contains(who, q) {
					who = append(who, q)
				}
			}
		}
		return fmt.Sprintf("Only %s may ask for %s in pool %s (%s %s).", words.Or(who), f.Action, pool, words.Plural(len(rules), "rule", "rules"), strings.Join(rules, ", "))
	}
	return fmt.Sprintf("No rule of the policy allows %s in pool %s.", f.Action, pool)
}

// matched is the outcome of trying the rules in order.
type matched struct {
	rule            *rule // the first rule that matches; nil when none does
	dependsOnTarget bool  // a target_groups condition was weighed
	// The allow rules that matched all but the requester, or all but the target, to say why not.
	requesterMiss []*rule
	targetMiss    *rule
}

// match finds the first rule that matches. With someTarget, the target's groups are unknown and
// the question is whether the rule could match for some target: allow rules with a target
// condition match, deny rules with one do not.
func (p *Policy) match(f Facts, pool string, someTarget bool) matched {
	var m matched
	for _, r := range p.rules {
		if !r.matchesPool(pool) || !r.matchesAction(f.Action) {
			continue
		}
		if r.requesters != nil && !anyMatches(r.requesters, f.Requester, f.Groups) {
			if !r.Deny {
				m.requesterMiss = append(m.requesterMiss, r)
			}
			continue
		}
		if r.hasTarget() {
			m.dependsOnTarget = true
			if someTarget && r.Deny || !someTarget && !r.matchesTarget(f.TargetGroups) {
				if !r.Deny && m.targetMiss == nil {
					m.targetMiss = r
				}
				continue
			}
		}
		m.rule = r
		return m
	}
	return m
}

func (r *rule) matchesPool(pool string) bool {
	return r.Pools == nil || slices.Contains(r.Pools, pool)
}

func (r *rule) matchesAction(a Action) bool {
	return r.Actions == nil || slices.Contains(r.Actions, a)
}

func (r *rule) hasTarget() bool { return len(r.TargetAnyOf) > 0 || len(r.TargetNoneOf) > 0 }

func (r *rule) matchesTarget(groups []string) bool {
	in := func(g string) bool { return slices.Contains(groups, g) }
	if len(r.TargetAnyOf) > 0 && !slices.ContainsFunc(r.TargetAnyOf, in) {
		return false
	}
	return !slices.ContainsFunc(r.TargetNoneOf, in)
}

// requirement is one thing a rule can require of a request.
type requirement struct {
	name    string // as listed in Decision.Missing
	missing func(r *rule, f Facts) (what string, ok bool)
}

var requirements = []requirement{
	{"ticket", func(r *rule, f Facts) (string, bool) {
		ticket := strings.TrimSpace(f.Ticket)
		switch {
		case !r.Requires.Ticket:
			return "", true
		case r.ticket == nil && ticket == "":
			return "a ticket reference", false
		case r.ticket == nil:
			return "", true
		case ticket == "":
			return "a ticket reference matching " + r.Requires.TicketPattern, false
		case !r.ticket.MatchString(ticket):
			return "a ticket reference matching " + r.Requires.TicketPattern + " (the one given does not match)", false
		}
		return "", true
	}},
	{"reason", func(r *rule, f Facts) (string, bool) {
		if r.Requires.Reason && strings.TrimSpace(f.Reason) == "" {
			return "a reason", false
		}
		return "", true
	}},
	{"verified_by", func(r *rule, f Facts) (string, bool) {
		accepted := r.Requires.VerifiedBy
		given := strings.TrimSpace(f.VerifiedBy)
		switch {
		case len(accepted) == 0 || slices.Contains(accepted, given):
			return "", true
		case given == "":
			return "how the user's identity was verified (" + words.Or(accepted) + ")", false
		}
		return "how the user's identity was verified (" + words.Or(accepted) + "; the one given is not accepted)", false
	}},
}

func (p *Policy) checkRequirements(f Facts, d *Decision) bool {
	r := p.ruleNamed(d.Rule)
	var whats []string
	for _, req := range requirements {
		if what, ok := req.missing(r, f); !ok {
			d.Missing = append(d.Missing, req.name)
			whats = append(whats, what)
		}
	}
	if len(whats) > 0 {
		return deny(d, "The request must still carry %s.", words.And(whats))
	}
	return true
}

func (p *Policy) ruleNamed(name string) *rule {
	for _, r := range p.rules {
		if r.Name == name {
			return r
		}
	}
	return &rule{}
}

func poolList(pools []Pool) []string {
	names := make([]string, len(pools))
	for i, pl := range pools {
		names[i] = pl.Name
	}
	return names
}
