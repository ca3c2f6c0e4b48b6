package policyfile

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/resetbot/resetbot/policy"
)

var (
	teamIDPattern       = regexp.MustCompile(`^T[A-Z0-9]{2,}$`)
	enterpriseIDPattern = regexp.MustCompile(`^E[A-Z0-9]{2,}$`)
	channelIDPattern    = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
	namePattern         = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	regionPattern       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	poolIDPattern       = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$`)
)

const nameExpected = "a short name in lower case: letters, digits, - and _"

// policy reads the top of the file. Sections are decoded in the order of the table, whatever
// their order in the file, so that pools and identity checks are known when rules refer to them.
func (d *decoder) policy(body ast.Node) *policy.Config {
	p := &policy.Config{}
	var rulesNode ast.Node
	present := d.object(body, "", "a mapping with pools and rules", []field{
		{"workspace", func(v ast.Node, path string) { d.workspace(p, v, path) }},
		{"pools", func(v ast.Node, path string) { d.pools(p, v, path) }},
		{"channels", func(v ast.Node, path string) { d.channels(p, v, path) }},
		{"identity_checks", func(v ast.Node, path string) { d.identityChecks(p, v, path) }},
		{"limits", func(v ast.Node, path string) { d.fileLimits = d.limits(v, path) }},
		{"rules", func(v ast.Node, _ string) { rulesNode = v }},
	})
	if present == nil {
		return p
	}
	if _, ok := present["pools"]; !ok {
		d.errorf(body, "pools", "missing; expected at least one pool, e.g. prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}")
	}
	if _, ok := present["rules"]; ok {
		d.rules(p, rulesNode, "rules")
	}
	return p
}

func (d *decoder) workspace(p *policy.Config, v ast.Node, path string) {
	present := d.object(v, path, "a mapping with teams and/or enterprise", []field{
		{"teams", func(v ast.Node, path string) {
			p.Teams, _ = d.strs(v, path, "Slack team ids like T0123ABCD", func(s string) string {
				if !teamIDPattern.MatchString(s) {
					return "expected a Slack team id like T0123ABCD, got " + quote(s)
				}
				return ""
			})
		}},
		{"enterprise", func(v ast.Node, path string) {
			s, at, ok := d.str(v, path, "a Slack enterprise id like E0123ABCD")
			if ok && !enterpriseIDPattern.MatchString(s) {
				d.errorf(at, path, "expected a Slack enterprise id like E0123ABCD, got %s", quote(s))
				return
			}
			p.Enterprise = s
		}},
	})
	_, teams := present["teams"]
	_, enterprise := present["enterprise"]
	if present != nil && !teams && !enterprise {
		d.errorf(v, path, "expected teams (Slack team ids) or enterprise (a Slack enterprise id); leave workspace out to allow any workspace the app is installed in")
	}
}

func (d *decoder) pools(p *policy.Config, v ast.Node, path string) {
	es, ok := d.entries(v, path, "a mapping of pool names to {id, region}")
	if !ok {
		return
	}
	if len(es) == 0 {
		d.errorf(v, path, "expected at least one pool, e.g. prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}")
	}
	for _, e := range es {
		pp := join(path, e.key)
		if !namePattern.MatchString(e.key) {
			d.errorf(e.keyAt, pp, "a pool name is %s; got %s", nameExpected, quote(e.key))
			continue
		}
		pool := policy.Pool{Name: e.key}
		var idAt ast.Node
		present := d.object(e.value, pp, "a mapping with id and region", []field{
			{"id", func(v ast.Node, path string) {
				s, at, ok := d.str(v, path, "a user pool id like eu-west-1_AbCdEf123")
				if ok && !poolIDPattern.MatchString(s) {
					d.errorf(at, path, "expected a user pool id like eu-west-1_AbCdEf123, got %s", quote(s))
					return
				}
				pool.ID, idAt = s, at
			}},
			{"region", func(v ast.Node, path string) {
				s, at, ok := d.str(v, path, "an AWS region like eu-west-1")
				if ok && !regionPattern.MatchString(s) {
					d.errorf(at, path, "expected an AWS region like eu-west-1, got %s", quote(s))
					return
				}
				pool.Region = s
			}},
		})
		if present == nil {
			continue
		}
		if _, ok := present["id"]; !ok {
			d.errorf(e.keyAt, join(pp, "id"), "missing; expected the user pool id, like eu-west-1_AbCdEf123")
			continue
		}
		if pool.ID == "" {
			continue
		}
		idRegion := poolIDPattern.FindStringSubmatch(pool.ID)[1]
		switch {
		case pool.Region == "":
			pool.Region = idRegion
		case pool.Region != idRegion:
			d.errorf(idAt, join(pp, "id"), "the pool id is in region %s but region says %s", idRegion, pool.Region)
			continue
		}
		p.Pools = append(p.Pools, pool)
	}
	slices.SortFunc(p.Pools, func(a, b policy.Pool) int { return cmp.Compare(a.Name, b.Name) })
}

func (d *decoder) channels(p *policy.Config, v ast.Node, path string) {
	items, ok := d.list(v, path, "a list of channels, each {id, default_pool}")
	if !ok {
		return
	}
	if len(items) == 0 {
		d.errorf(v, path, "expected at least one channel; leave channels out to take requests in any channel")
		return
	}
	p.Channels = []policy.Channel{}
	seen := map[string]int{}
	for i, it := range items {
		ip := index(path, i)
		var c policy.Channel
		var idAt ast.Node
		present := d.object(it, ip, "a channel: {id, default_pool}", []field{
			{"id", func(v ast.Node, path string) {
				s, at, ok := d.str(v, path, "a Slack channel id like C0123ABCD")
				if ok && !channelIDPattern.MatchString(s) {
					d.errorf(at, path, "expected a Slack channel id like C0123ABCD (not its #name), got %s", quote(s))
					return
				}
				c.ID, idAt = s, at
			}},
			{"default_pool", func(v ast.Node, path string) {
				s, at, ok := d.str(v, path, "a pool name")
				if ok && !d.knownPool(p, s, at, path) {
					return
				}
				c.DefaultPool = s
			}},
		})
		if present == nil {
			continue
		}
		if _, ok := present["id"]; !ok {
			d.errorf(it, join(ip, "id"), "missing; expected a Slack channel id like C0123ABCD")
			continue
		}
		if c.ID == "" {
			continue
		}
		if line, dup := seen[c.ID]; dup {
			d.errorf(idAt, join(ip, "id"), "channel %s is already listed on line %d", c.ID, line)
			continue
		}
		seen[c.ID], _ = position(idAt)
		p.Channels = append(p.Channels, c)
	}
}

// knownPool reports whether name is a pool of the file, and says which are when it is not.
func (d *decoder) knownPool(p *policy.Config, name string, at ast.Node, path string) bool {
	if hasPool(p.Pools, name) {
		return true
	}
	d.errorf(at, path, "unknown pool %s; expected one of the pools: %s", quote(name), policy.PoolNames(p.Pools))
	return false
}

// hasPool reports whether name is a pool of the file: pool names are lower case.
func hasPool(pools []policy.Pool, name string) bool {
	return slices.ContainsFunc(pools, func(p policy.Pool) bool { return p.Name == name })
}

func (d *decoder) identityChecks(p *policy.Config, v ast.Node, path string) {
	es, ok := d.entries(v, path, "a mapping of identity check names to what they mean")
	if !ok {
		return
	}
	for _, e := range es {
		cp := join(path, e.key)
		if !namePattern.MatchString(e.key) {
			d.errorf(e.keyAt, cp, "an identity check name is %s; got %s", nameExpected, quote(e.key))
			continue
		}
		desc, at, ok := d.str(e.value, cp, "a description in plain words, e.g. Called back the number on file")
		if !ok {
			continue
		}
		if strings.TrimSpace(desc) == "" {
			d.errorf(at, cp, "expected a description in plain words, e.g. Called back the number on file")
			continue
		}
		p.IdentityChecks = append(p.IdentityChecks, policy.IdentityCheck{Name: e.key, Description: strings.TrimSpace(desc)})
	}
}

// limits reads {per_requester: {max, window}, per_target: {max, window},
// per_requester_lookups: {max, window}}.
func (d *decoder) limits(v ast.Node, path string) policy.Limits {
	var l policy.Limits
	d.object(v, path, "a mapping with per_requester, per_target and/or per_requester_lookups", []field{
		{"per_requester", func(v ast.Node, path string) { l.PerRequesterMax, l.PerRequesterWindow = d.limit(v, path) }},
		{"per_target", func(v ast.Node, path string) { l.PerTargetMax, l.PerTargetWindow = d.limit(v, path) }},
		{"per_requester_lookups", func(v ast.Node, path string) {
			l.PerRequesterLookupsMax, l.PerRequesterLookupsWindow = d.limit(v, path)
		}},
	})
	return l
}

func (d *decoder) limit(v ast.Node, path string) (max int, window time.Duration) {
	present := d.object(v, path, "a limit: {max: 10, window: 24h}", []field{
		{"max", func(v ast.Node, path string) { max, _ = d.integer(v, path, 1, 10000) }},
		{"window", func(v ast.Node, path string) { window, _ = d.duration(v, path) }},
	})
	if present == nil {
		return 0, 0
	}
	for _, name := range []string{"max", "window"} {
		if _, ok := present[name]; !ok {
			d.errorf(v, join(path, name), "missing; a limit says both max and window, e.g. {max: 10, window: 24h}")
		}
	}
	return max, window
}
