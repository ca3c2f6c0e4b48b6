package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Policy is a valid policy, compiled by New. It never changes; share it freely.
type Policy struct {
	file   string
	digest string

	teams      []string // Slack team ids allowed; with enterprise empty too, any workspace
	enterprise string
	channels   []Channel // nil: requests are taken in any channel

	pools  []Pool // sorted by name
	checks []IdentityCheck
	rules  []*rule
}

// Channel is an entry of the channel allow-list.
type Channel struct {
	ID          string
	DefaultPool string // the pool of a request that names none; "" for none
}

// Config is what a policy says, as plain values: what New compiles. The policyfile package
// reads it from a file and checks it there, naming the line of every problem.
type Config struct {
	File   string // where the policy was read from, for logs
	Digest string // the SHA-256 of the file, in hex, for logs and audit

	Teams      []string  // Slack team ids whose people may use the bot
	Enterprise string    // a Slack enterprise id whose workspaces may use the bot
	Channels   []Channel // nil: requests are taken in any channel

	Pools          []Pool
	IdentityChecks []IdentityCheck
	// Rules in the order they are tried, each with its limits and expiry filled in. None: the
	// built-in rule "default", which allows status and nothing else.
	Rules []Rule
}

// New compiles c into a Policy. It fails only on what a checked file cannot hold: a
// requester or approver that names no one, or a ticket pattern that is not a regular
// expression.
func New(c Config) (*Policy, error) {
	p := &Policy{
		file: c.File, digest: c.Digest,
		teams: slices.Clone(c.Teams), enterprise: c.Enterprise, channels: slices.Clone(c.Channels),
		pools: slices.Clone(c.Pools), checks: slices.Clone(c.IdentityChecks),
	}
	slices.SortFunc(p.pools, func(a, b Pool) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range c.Rules {
		cr, err := compile(r)
		if err != nil {
			return nil, fmt.Errorf("rule %q: %w", r.Name, err)
		}
		p.rules = append(p.rules, cr)
	}
	if len(p.rules) == 0 {
		p.rules = []*rule{defaultRule()}
	}
	return p, nil
}

// compile readies a rule to match: its people parsed, its ticket pattern compiled.
func compile(r Rule) (*rule, error) {
	cr := &rule{Rule: r.clone()}
	var err error
	if r.Requesters != nil {
		if cr.requesters, err = parsePrincipals(r.Requesters, true); err != nil {
			return nil, fmt.Errorf("requesters: %w", err)
		}
	}
	if cr.approvers, err = parsePrincipals(r.Approvers, false); err != nil {
		return nil, fmt.Errorf("approvers: %w", err)
	}
	if r.Requires.TicketPattern != "" {
		if cr.ticket, err = regexp.Compile(`^(?:` + r.Requires.TicketPattern + `)$`); err != nil {
			return nil, fmt.Errorf("ticket pattern: %w", err)
		}
	}
	return cr, nil
}

func parsePrincipals(written []string, anyoneOK bool) ([]Principal, error) {
	var out []Principal
	for _, s := range written {
		p, err := ParsePrincipal(s, anyoneOK)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// rule is a Rule ready to match.
type rule struct {
	Rule
	requesters []Principal // nil: everyone (deny rules only)
	approvers  []Principal
	ticket     *regexp.Regexp // the whole ticket must match; nil when no pattern
}

// defaultRuleName names the rule in force when the file has no rules.
const defaultRuleName = "default"

// defaultRule lets anyone who may use the bot ask for status, and nothing else: the policy of a
// file with pools and no rules.
func defaultRule() *rule {
	return &rule{
		Rule: Rule{
			Name:        defaultRuleName,
			Description: "the file has no rules: anyone may look up a user's status, and nothing else",
			Actions:     []Action{ActionStatus},
			Requesters:  []string{"*"},
		},
		requesters: []Principal{{Kind: Anyone}},
	}
}

// File is the name the policy was read from.
func (p *Policy) File() string { return p.file }

// Digest is the SHA-256 of the file's bytes, in hex, for logs and audit.
func (p *Policy) Digest() string { return p.digest }

// Pools lists the pools the file names, sorted by name.
func (p *Policy) Pools() []Pool { return slices.Clone(p.pools) }

// Pool returns the pool with this name (names are not case-sensitive).
func (p *Policy) Pool(name string) (Pool, bool) {
	for _, pl := range p.pools {
		if strings.EqualFold(pl.Name, name) {
			return pl, true
		}
	}
	return Pool{}, false
}

// IdentityChecks lists the ways of verifying an end user's identity that the file names, in
// the file's order.
func (p *Policy) IdentityChecks() []IdentityCheck { return slices.Clone(p.checks) }

// Rules lists the rules in the order they are tried. A file without rules has one: the built-in
// rule named "default", which allows status and nothing else.
func (p *Policy) Rules() []Rule {
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.clone()
	}
	return out
}

// Workspace returns the Slack team ids and the enterprise id whose users may use the bot
// (both empty: any workspace the app is installed in).
func (p *Policy) Workspace() (teams []string, enterprise string) {
	return slices.Clone(p.teams), p.enterprise
}

// Channels returns the channel allow-list (nil: any channel) and each channel's default pool.
func (p *Policy) Channels() (ids []string, defaultPool map[string]string) {
	if p.channels == nil {
		return nil, nil
	}
	defaultPool = make(map[string]string)
	for _, c := range p.channels {
		ids = append(ids, c.ID)
		if c.DefaultPool != "" {
			defaultPool[c.ID] = c.DefaultPool
		}
	}
	return ids, defaultPool
}

func (r Rule) clone() Rule {
	r.Pools = slices.Clone(r.Pools)
	r.Actions = slices.Clone(r.Actions)
	r.TargetAnyOf = slices.Clone(r.TargetAnyOf)
	r.TargetNoneOf = slices.Clone(r.TargetNoneOf)
	r.Requesters = slices.Clone(r.Requesters)
	r.Approvers = slices.Clone(r.Approvers)
	r.Requires.VerifiedBy = slices.Clone(r.Requires.VerifiedBy)
	return r
}
