package policyfile

import (
	"slices"
	"strings"

	"github.com/resetbot/resetbot/policy"
)

// coverage answers whether one rule matches every request a later one would, for the
// never-reached warning. Each distinct list of pools, actions or requesters is interned once and
// each pair of distinct lists compared once, so a file that repeats a long list through an
// alias costs what one copy costs: the check is linear in the file, not in the rules squared
// times the lists' lengths squared.
type coverage struct {
	ids     map[string]int    // canonical list → its id
	members []map[string]bool // by id
	subset  map[[2]int]bool   // (sub, super) → sub ⊆ super, once computed
}

// ruleSets are a rule's lists as interned ids; -1 stands for "every one" (nil in the rule).
type ruleSets struct {
	pools, actions, requesters int
	anyone                     bool // requesters has "*"
}

const everyOne = -1

func newCoverage() *coverage {
	return &coverage{ids: map[string]int{}, subset: map[[2]int]bool{}}
}

// intern returns the id of the set of items; nil is everyOne.
func (c *coverage) intern(items []string) int {
	if items == nil {
		return everyOne
	}
	sorted := slices.Compact(slices.Sorted(slices.Values(items)))
	key := strings.Join(sorted, "\x00")
	if id, ok := c.ids[key]; ok {
		return id
	}
	set := make(map[string]bool, len(sorted))
	for _, s := range sorted {
		set[s] = true
	}
	c.ids[key] = len(c.members)
	c.members = append(c.members, set)
	return len(c.members) - 1
}

func (c *coverage) sets(r policy.Rule) ruleSets {
	actions := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		actions[i] = string(a)
	}
	if r.Actions == nil {
		actions = nil
	}
	var requesters []string
	anyone := false
	for _, s := range r.Requesters {
		p, _ := policy.ParsePrincipal(s, true) // a valid policy's requesters parse
		anyone = anyone || p.Kind == policy.Anyone
		requesters = append(requesters, p.ID)
	}
	if r.Requesters == nil {
		requesters = nil
	}
	return ruleSets{pools: c.intern(r.Pools), actions: c.intern(actions), requesters: c.intern(requesters), anyone: anyone}
}

// within reports whether the set sub is contained in super; everyOne is only in everyOne.
func (c *coverage) within(sub, super int) bool {
	switch {
	case super == everyOne:
		return true
	case sub == everyOne:
		return false
	case sub == super:
		return true
	}
	key := [2]int{sub, super}
	if in, ok := c.subset[key]; ok {
		return in
	}
	in := len(c.members[sub]) <= len(c.members[super])
	for s := range c.members[sub] {
		if !in {
			break
		}
		in = c.members[super][s]
	}
	c.subset[key] = in
	return in
}

// shadows reports whether earlier matches every request later would, so later is never
// reached. earlier must not weigh the target's groups, and must name at least every requester
// later names ("*" covers everyone; a later "*" is covered only by "*" or no list at all).
func (c *coverage) shadows(earlier, later ruleSets, earlierHasTarget bool) bool {
	if earlierHasTarget || !c.within(later.pools, earlier.pools) || !c.within(later.actions, earlier.actions) {
		return false
	}
	switch {
	case earlier.requesters == everyOne, earlier.anyone:
		return true
	case later.requesters == everyOne, later.anyone:
		return false
	}
	return len(c.members[later.requesters]) > 0 && c.within(later.requesters, earlier.requesters)
}
