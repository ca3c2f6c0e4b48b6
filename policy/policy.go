package policy

import (
	"regexp"
	"slices"
	"strings"
)

// Policy is a loaded, valid policy file. It never changes after Parse; share it freely.
type Policy struct {
	file   string
	digest string

	teams      []string // Slack team ids allowed; with enterprise empty too, any workspace
	enterprise string
	channels   []channel // nil: requests are taken in any channel

	pools    []Pool // sorted by name
	checks   []IdentityCheck
	limits   Limits
	rules    []*rule
	warnings []Warning
}

// channel is an entry of the channel allow-list.
type channel struct {
	id          string
	defaultPool string
}

// rule is a Rule ready to match.
type rule struct {
	Rule
	requesters []principal // nil: everyone (deny rules only)
	approvers  []principal
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
		requesters: []principal{{kind: principalAnyone}},
	}
}

// File is the name the policy was loaded from.
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

// Warnings lists what a reviewer should look at twice in this valid file.
func (p *Policy) Warnings() []Warning { return slices.Clone(p.warnings) }

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
		ids = append(ids, c.id)
		if c.defaultPool != "" {
			defaultPool[c.id] = c.defaultPool
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
