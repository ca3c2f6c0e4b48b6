package policyfile

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/resetbot/resetbot/internal/textform"
	"github.com/resetbot/resetbot/policy"
)

const (
	poolExample = "e.g. prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}"
	// maxDuration bounds every duration in the file: expiry, reminders and limit windows.
	maxDuration = 30 * 24 * time.Hour
)

// config reads the file's body into typed values, checks what their tags cannot say and builds
// the policy's configuration. Pools and identity checks are checked first, so that rules refer
// to the good ones; a file with any problem leaves r.errs non-empty.
func (r *reader) config(body ast.Node) *policy.Config {
	var doc fileDoc
	r.at[""] = place{nil, body}
	if r.object(body, reflect.ValueOf(&doc).Elem(), "", "a mapping with pools and rules"); r.bad("") {
		return nil
	}
	c := &policy.Config{}
	if w := doc.Workspace; w != nil {
		c.Teams, c.Enterprise = w.Teams, w.Enterprise
		if !r.bad("workspace") && !r.has("workspace.teams") && !r.has("workspace.enterprise") {
			r.errorf(r.value("workspace"), "workspace", "expected teams (Slack team ids) or enterprise (a Slack enterprise id); leave workspace out to allow any workspace the app is installed in")
		}
	}
	if !r.has("pools") {
		r.errorf(body, "pools", "missing; expected at least one pool, %s", poolExample)
	} else if !r.bad("pools") && len(doc.Pools) == 0 {
		r.errorf(r.value("pools"), "pools", "expected at least one pool, %s", poolExample)
	}
	r.pools(c, doc.Pools)
	r.channels(c, doc.Channels)
	for _, e := range doc.IdentityChecks {
		path, desc := join("identity_checks", e.Name), strings.TrimSpace(e.Value)
		switch {
		case r.bad(path):
		case desc == "":
			r.errorf(r.value(path), path, "expected a description in plain words, e.g. Called back the number on file")
		default:
			c.IdentityChecks = append(c.IdentityChecks, policy.IdentityCheck{Name: e.Name, Description: desc})
		}
	}
	r.rules(c, doc.Rules, r.limits(doc.Limits, "limits", policy.Limits{}))
	return c
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// texts checks each good text of the list at path with valid, which says what is wrong or "",
// and returns the good ones.
func texts[T ~string](r *reader, path string, items []string, valid func(string) string) []T {
	if items == nil {
		return nil
	}
	out := make([]T, 0, len(items))
	for i, s := range items {
		if r.full() {
			break
		}
		p := index(path, i)
		if r.bad(p) {
			continue
		}
		if msg := valid(s); msg != "" {
			r.errorf(r.value(p), p, "%s", msg)
		} else {
			out = append(out, T(s))
		}
	}
	return out
}

func (r *reader) duration(path, s string) time.Duration {
	if !r.good(path) {
		return 0
	}
	d, err := policy.ParseDuration(s)
	if err != nil || d <= 0 || d > maxDuration {
		r.errorf(r.value(path), path, "expected a duration such as 30m, 4h or 2d, more than zero and at most 30d, got %q", clip(s))
		return 0
	}
	return d
}

// pools checks each pool; a pool whose region is wrong still counts as a pool of the file.
func (r *reader) pools(c *policy.Config, pools keyed[poolDoc]) {
	for _, e := range pools {
		path := join("pools", e.Name)
		id, region := join(path, "id"), e.Value.Region
		if !r.has(id) && !r.bad(path) {
			r.errorf(r.key(path), id, "missing; expected the user pool id, like eu-west-1_AbCdEf123")
		}
		if r.bad(path) || !r.good(id) {
			continue
		}
		idRegion, _ := textform.PoolID(e.Value.ID)
		if region == "" || r.bad(join(path, "region")) {
			region = idRegion
		}
		if region != idRegion {
			r.errorf(r.value(id), id, "the pool id is in region %s but region says %s", idRegion, region)
			continue
		}
		c.Pools = append(c.Pools, policy.Pool{Name: e.Name, ID: e.Value.ID, Region: region})
	}
	slices.SortFunc(c.Pools, func(a, b policy.Pool) int { return cmp.Compare(a.Name, b.Name) })
}

// unknownPool says what is wrong with name when it is not one of the good pools, or "".
func unknownPool(pools []policy.Pool, name string) string {
	if slices.ContainsFunc(pools, func(p policy.Pool) bool { return p.Name == name }) {
		return ""
	}
	return "unknown pool " + quote(name) + "; expected one of the pools: " + policy.PoolNames(pools)
}

func (r *reader) channels(c *policy.Config, channels []channelDoc) {
	if !r.good("channels") {
		return
	}
	if len(channels) == 0 {
		r.errorf(r.value("channels"), "channels", "expected at least one channel; leave channels out to take requests in any channel")
		return
	}
	c.Channels = []policy.Channel{}
	seen := map[string]int{}
	for i, ch := range channels {
		path := index("channels", i)
		id, pool := join(path, "id"), join(path, "default_pool")
		if msg := unknownPool(c.Pools, ch.DefaultPool); r.good(pool) && msg != "" {
			r.errorf(r.value(pool), pool, "%s", msg)
		}
		line, dup := seen[ch.ID]
		switch {
		case r.bad(path) || r.bad(id):
		case !r.has(id):
			r.errorf(r.value(path), id, "missing; expected a Slack channel id like C0123ABCD")
		case dup:
			r.errorf(r.value(id), id, "channel %s is already listed on line %d", ch.ID, line)
		default:
			seen[ch.ID], _ = position(r.value(id))
			c.Channels = append(c.Channels, policy.Channel{ID: ch.ID, DefaultPool: ch.DefaultPool})
		}
	}
}

// limits checks a mapping of limits; a limit it does not set is the one in def.
func (r *reader) limits(l *limitsDoc, path string, def policy.Limits) policy.Limits {
	if l == nil {
		return def
	}
	set := func(d *limitDoc, name string, max *int, window *time.Duration) {
		if path := join(path, name); d != nil && !r.bad(path) {
			for _, f := range []string{"max", "window"} {
				if !r.has(join(path, f)) {
					r.errorf(r.value(path), join(path, f), "missing; a limit says both max and window, e.g. {max: 10, window: 24h}")
				}
			}
			if w := r.duration(join(path, "window"), d.Window); d.Max != 0 {
				*max, *window = d.Max, w
			}
		}
	}
	set(l.PerRequester, "per_requester", &def.PerRequesterMax, &def.PerRequesterWindow)
	set(l.PerTarget, "per_target", &def.PerTargetMax, &def.PerTargetWindow)
	set(l.PerRequesterLookups, "per_requester_lookups", &def.PerRequesterLookupsMax, &def.PerRequesterLookupsWindow)
	return def
}
