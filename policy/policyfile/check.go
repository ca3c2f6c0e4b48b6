package policyfile

import (
	"cmp"
	"reflect"
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

const (
	nameExpected     = "a short name in lower case: letters, digits, - and _"
	durationExpected = "a duration such as 30m, 4h or 2d"
	poolExample      = "e.g. prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}"
)

// maxDuration bounds every duration in the file: expiry, reminders and limit windows.
const maxDuration = 30 * 24 * time.Hour

// config reads the file's body into typed values, checks them and builds the policy's
// configuration. Pools and identity checks are checked first, so that rules refer to the
// good ones; a file with any problem leaves r.errs non-empty.
func (r *reader) config(body ast.Node) *policy.Config {
	var doc fileDoc
	r.at[""] = place{nil, body}
	if !r.object(body, reflect.ValueOf(&doc).Elem(), "", "a mapping with pools and rules") {
		return nil
	}
	c := &policy.Config{}
	r.workspace(c, doc.Workspace)
	r.pools(c, doc.Pools)
	if !r.has("pools") {
		r.errorf(body, "pools", "missing; expected at least one pool, %s", poolExample)
	}
	r.channels(c, doc.Channels)
	r.identityChecks(c, doc.IdentityChecks)
	r.rules(c, doc.Rules, r.limits(doc.Limits, "limits"))
	return c
}

// good reports whether the field at path is in the file and of the right kind.
func (r *reader) good(path string) bool { return r.has(path) && !r.bad(path) }

// match reports whether the text s at path is good and matches re; it says what is expected
// when it does not.
func (r *reader) match(path, s string, re *regexp.Regexp, expected string) bool {
	if !r.good(path) {
		return false
	}
	if !re.MatchString(s) {
		r.errorf(r.value(path), path, "expected %s, got %s", expected, quote(s))
		return false
	}
	return true
}

// texts checks each text of the list at path with valid (which returns what is wrong, or "")
// and returns the good ones.
func (r *reader) texts(path string, items []string, valid func(string) string) []string {
	if items == nil {
		return nil
	}
	out := make([]string, 0, len(items))
	for i, s := range items {
		p := index(path, i)
		if r.bad(p) {
			continue
		}
		if msg := valid(s); msg != "" {
			r.errorf(r.value(p), p, "%s", msg)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (r *reader) duration(path, s string) time.Duration {
	if !r.good(path) {
		return 0
	}
	d, err := policy.ParseDuration(s)
	if err != nil || d <= 0 || d > maxDuration {
		r.errorf(r.value(path), path, "expected %s, more than zero and at most 30d, got %q", durationExpected, clip(s))
		return 0
	}
	return d
}

func twice(seen map[string]bool, s string) string {
	if seen[s] {
		return quote(s) + " is listed twice"
	}
	seen[s] = true
	return ""
}

func (r *reader) workspace(c *policy.Config, w *workspaceDoc) {
	const path = "workspace"
	if w == nil || r.bad(path) {
		return
	}
	c.Teams = r.texts("workspace.teams", w.Teams, func(s string) string {
		if !teamIDPattern.MatchString(s) {
			return "expected a Slack team id like T0123ABCD, got " + quote(s)
		}
		return ""
	})
	if r.match("workspace.enterprise", w.Enterprise, enterpriseIDPattern, "a Slack enterprise id like E0123ABCD") {
		c.Enterprise = w.Enterprise
	}
	if !r.has("workspace.teams") && !r.has("workspace.enterprise") {
		r.errorf(r.value(path), path, "expected teams (Slack team ids) or enterprise (a Slack enterprise id); leave workspace out to allow any workspace the app is installed in")
	}
}

func (r *reader) pools(c *policy.Config, pools keyed[poolDoc]) {
	const path = "pools"
	if !r.good(path) {
		return
	}
	if len(pools) == 0 {
		r.errorf(r.value(path), path, "expected at least one pool, %s", poolExample)
	}
	for _, e := range pools {
		if pool, ok := r.pool(join(path, e.Name), e.Name, e.Value); ok {
			c.Pools = append(c.Pools, pool)
		}
	}
	slices.SortFunc(c.Pools, func(a, b policy.Pool) int { return cmp.Compare(a.Name, b.Name) })
}

// pool checks one pool; a pool whose region is wrong still counts as a pool of the file.
func (r *reader) pool(path, name string, p poolDoc) (policy.Pool, bool) {
	if !namePattern.MatchString(name) {
		r.errorf(r.key(path), path, "a pool name is %s; got %s", nameExpected, quote(name))
		return policy.Pool{}, false
	}
	if r.bad(path) {
		return policy.Pool{}, false
	}
	idPath, regionPath := join(path, "id"), join(path, "region")
	if !r.has(idPath) {
		r.errorf(r.key(path), idPath, "missing; expected the user pool id, like eu-west-1_AbCdEf123")
	}
	region := ""
	if r.has(regionPath) && r.match(regionPath, p.Region, regionPattern, "an AWS region like eu-west-1") {
		region = p.Region
	}
	if !r.match(idPath, p.ID, poolIDPattern, "a user pool id like eu-west-1_AbCdEf123") {
		return policy.Pool{}, false
	}
	idRegion := poolIDPattern.FindStringSubmatch(p.ID)[1]
	switch {
	case region == "":
		region = idRegion
	case region != idRegion:
		r.errorf(r.value(idPath), idPath, "the pool id is in region %s but region says %s", idRegion, region)
		return policy.Pool{}, false
	}
	return policy.Pool{Name: name, ID: p.ID, Region: region}, true
}

// hasPool reports whether name is a pool of the file: pool names are lower case.
func hasPool(pools []policy.Pool, name string) bool {
	return slices.ContainsFunc(pools, func(p policy.Pool) bool { return p.Name == name })
}

func unknownPool(pools []policy.Pool, name string) string {
	return "unknown pool " + quote(name) + "; expected one of the pools: " + policy.PoolNames(pools)
}

func (r *reader) channels(c *policy.Config, channels []channelDoc) {
	const path = "channels"
	if !r.good(path) {
		return
	}
	if len(channels) == 0 {
		r.errorf(r.value(path), path, "expected at least one channel; leave channels out to take requests in any channel")
		return
	}
	c.Channels = []policy.Channel{}
	seen := map[string]int{}
	for i, ch := range channels {
		item := index(path, i)
		idPath, poolPath := join(item, "id"), join(item, "default_pool")
		if r.bad(item) {
			continue
		}
		if r.good(poolPath) && !hasPool(c.Pools, ch.DefaultPool) {
			r.errorf(r.value(poolPath), poolPath, "%s", unknownPool(c.Pools, ch.DefaultPool))
		}
		if !r.has(idPath) {
			r.errorf(r.value(item), idPath, "missing; expected a Slack channel id like C0123ABCD")
		}
		if !r.match(idPath, ch.ID, channelIDPattern, "a Slack channel id like C0123ABCD (not its #name)") {
			continue
		}
		if line, dup := seen[ch.ID]; dup {
			r.errorf(r.value(idPath), idPath, "channel %s is already listed on line %d", ch.ID, line)
			continue
		}
		seen[ch.ID], _ = position(r.value(idPath))
		c.Channels = append(c.Channels, policy.Channel{ID: ch.ID, DefaultPool: ch.DefaultPool})
	}
}

func (r *reader) identityChecks(c *policy.Config, checks keyed[string]) {
	for _, e := range checks {
		path := join("identity_checks", e.Name)
		if !namePattern.MatchString(e.Name) {
			r.errorf(r.key(path), path, "an identity check name is %s; got %s", nameExpected, quote(e.Name))
			continue
		}
		if r.bad(path) {
			continue
		}
		desc := strings.TrimSpace(e.Value)
		if desc == "" {
			r.errorf(r.value(path), path, "expected a description in plain words, e.g. Called back the number on file")
			continue
		}
		c.IdentityChecks = append(c.IdentityChecks, policy.IdentityCheck{Name: e.Name, Description: desc})
	}
}

func (r *reader) limits(l *limitsDoc, path string) policy.Limits {
	var out policy.Limits
	if l == nil {
		return out
	}
	out.PerRequesterMax, out.PerRequesterWindow = r.limit(l.PerRequester, join(path, "per_requester"))
	out.PerTargetMax, out.PerTargetWindow = r.limit(l.PerTarget, join(path, "per_target"))
	out.PerRequesterLookupsMax, out.PerRequesterLookupsWindow = r.limit(l.PerRequesterLookups, join(path, "per_requester_lookups"))
	return out
}

func (r *reader) limit(l *limitDoc, path string) (int, time.Duration) {
	if l == nil || r.bad(path) {
		return 0, 0
	}
	for _, name := range []string{"max", "window"} {
		if !r.has(join(path, name)) {
			r.errorf(r.value(path), join(path, name), "missing; a limit says both max and window, e.g. {max: 10, window: 24h}")
		}
	}
	return l.Max, r.duration(join(path, "window"), l.Window)
}
