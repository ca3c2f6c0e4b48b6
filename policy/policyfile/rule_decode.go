package policyfile

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/resetbot/resetbot/internal/words"
	"github.com/resetbot/resetbot/policy"
)

var (
	ruleNamePattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	cognitoGroupPattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)
)

// MaxApprovals is the most approvals a rule may ask for.
const MaxApprovals = 10

// defaultExpiry is how long a request waits for approval when its rule does not say.
const defaultExpiry = 24 * time.Hour

// Fields only an allow rule has.
var allowOnlyFields = []string{"approvers", "approvals", "self_approval", "expires_after", "remind_after", "require", "limits"}

// Fields that mean nothing when a request runs without approval.
var approvalFields = []string{"approvers", "self_approval", "expires_after", "remind_after"}

func (d *decoder) rules(p *policy.Config, v ast.Node, path string) {
	items, ok := d.list(v, path, "a list of rules")
	if !ok {
		return
	}
	seen := map[string]int{}
	for i, it := range items {
		r, nameAt := d.rule(p, it, index(path, i))
		if r == nil {
			continue
		}
		if line, dup := seen[r.Name]; dup {
			d.errorf(nameAt, join(index(path, i), "name"), "rule name %q is already used by the rule on line %d; names are unique", r.Name, line)
			continue
		}
		seen[r.Name] = r.Line
		p.Rules = append(p.Rules, *r)
	}
}

// ruleReader reads one rule, remembering which fields were present and which were bad so that
// the checks across fields say nothing about a field already reported.
type ruleReader struct {
	d *decoder
	p *policy.Config
	r *policy.Rule
	// requesters and approvers as parsed, for the checks across fields
	requesters, approvers []policy.Principal
	present               map[string]ast.Node
	bad                   map[string]bool
	nameAt                ast.Node
	limits                policy.Limits
}

// track wraps a field's reader, which reports whether the value was good.
func (rr *ruleReader) track(name string, read func(v ast.Node, path string) bool) field {
	return field{name, func(v ast.Node, path string) {
		if !read(v, path) {
			rr.bad[name] = true
		}
	}}
}

func (d *decoder) rule(p *policy.Config, n ast.Node, path string) (*policy.Rule, ast.Node) {
	rr := &ruleReader{d: d, p: p, r: &policy.Rule{}, bad: map[string]bool{}}
	r := rr.r
	if resolved, ok := d.resolve(n, path); ok {
		r.Line, _ = position(resolved)
	}
	errs := len(d.errs)
	rr.present = d.object(n, path, "a rule: a mapping with name, actions, requesters, approvers, ...", rr.fields())
	if rr.present == nil {
		return nil, nil
	}
	rr.check(n, path)
	if len(d.errs) > errs {
		return nil, nil
	}
	return r, rr.nameAt
}

// fields are a rule's fields in the order they are read: what the rule is, what it matches,
// then what an allow rule says.
func (rr *ruleReader) fields() []field {
	return slices.Concat(rr.aboutFields(), rr.matchFields(), rr.allowFields())
}

func (rr *ruleReader) aboutFields() []field {
	d, r := rr.d, rr.r
	return []field{
		rr.track("name", func(v ast.Node, path string) bool {
			s, at, ok := d.str(v, path, "a rule name")
			rr.nameAt = at
			if ok && !ruleNamePattern.MatchString(s) {
				d.errorf(at, path, "expected a rule name of letters, digits, ., - and _ (up to 64), got %s", quote(s))
				return false
			}
			r.Name = s
			return ok
		}),
		rr.track("description", func(v ast.Node, path string) bool {
			s, _, ok := d.str(v, path, "a description in plain words")
			r.Description = strings.TrimSpace(s)
			return ok
		}),
		rr.track("effect", func(v ast.Node, path string) bool {
			s, at, ok := d.str(v, path, "allow or deny")
			switch {
			case !ok:
			case s == "deny":
				r.Deny = true
			case s != "allow":
				d.errorf(at, path, "expected allow or deny, got %s", quote(s))
				return false
			}
			return ok
		}),
		rr.track("message", func(v ast.Node, path string) bool {
			s, at, ok := d.str(v, path, "a message shown to the requester")
			if ok && strings.TrimSpace(s) == "" {
				d.errorf(at, path, "expected a message shown to the requester, e.g. Admin accounts are reset by the security team")
				return false
			}
			r.Message = strings.TrimSpace(s)
			return ok
		}),
	}
}

func (rr *ruleReader) matchFields() []field {
	d, r := rr.d, rr.r
	return []field{
		rr.track("pools", func(v ast.Node, path string) bool {
			seen := map[string]bool{}
			pools, ok := d.strs(v, path, "pool names", func(s string) string {
				if !hasPool(rr.p.Pools, s) {
					return "unknown pool " + quote(s) + "; expected one of the pools: " + policy.PoolNames(rr.p.Pools)
				}
				return twice(seen, s)
			})
			r.Pools = pools
			return ok
		}),
		rr.track("actions", func(v ast.Node, path string) bool {
			seen := map[string]bool{}
			names, ok := d.strs(v, path, "actions", func(s string) string {
				if _, known := policy.ParseAction(s); !known {
					return "unknown action " + quote(s) + "; expected one of: " + policy.ActionNames()
				}
				return twice(seen, s)
			})
			for _, s := range names {
				r.Actions = append(r.Actions, policy.Action(s))
			}
			return ok
		}),
		rr.track("target_groups", func(v ast.Node, path string) bool { return rr.targetGroups(v, path) }),
		rr.track("requesters", func(v ast.Node, path string) bool {
			var ok bool
			r.Requesters, rr.requesters, ok = rr.principals(v, path, true)
			return ok
		}),
	}
}

func (rr *ruleReader) allowFields() []field {
	d, r := rr.d, rr.r
	return []field{
		rr.track("approvers", func(v ast.Node, path string) bool {
			var ok bool
			r.Approvers, rr.approvers, ok = rr.principals(v, path, false)
			return ok
		}),
		rr.track("approvals", func(v ast.Node, path string) bool {
			var ok bool
			r.Approvals, ok = d.integer(v, path, 0, MaxApprovals)
			return ok
		}),
		rr.track("self_approval", func(v ast.Node, path string) bool {
			var ok bool
			r.SelfApproval, ok = d.boolean(v, path)
			return ok
		}),
		rr.track("expires_after", func(v ast.Node, path string) bool {
			var ok bool
			r.ExpiresAfter, ok = d.duration(v, path)
			return ok
		}),
		rr.track("remind_after", func(v ast.Node, path string) bool {
			var ok bool
			r.RemindAfter, ok = d.duration(v, path)
			return ok
		}),
		rr.track("require", func(v ast.Node, path string) bool { return rr.require(v, path) }),
		rr.track("limits", func(v ast.Node, path string) bool {
			errs := len(d.errs)
			rr.limits = d.limits(v, path)
			return len(d.errs) == errs
		}),
	}
}

func twice(seen map[string]bool, s string) string {
	if seen[s] {
		return quote(s) + " is listed twice"
	}
	seen[s] = true
	return ""
}

// principals reads requesters or approvers, as written and ready to match.
func (rr *ruleReader) principals(v ast.Node, path string, anyoneOK bool) ([]string, []policy.Principal, bool) {
	var ps []policy.Principal
	seen := map[string]bool{}
	written, ok := rr.d.strs(v, path, "people: user ids, user-group ids or @handles", func(s string) string {
		p, err := policy.ParsePrincipal(s, anyoneOK)
		if err != nil {
			return err.Error()
		}
		if msg := twice(seen, p.ID); msg != "" && p.Kind != policy.Anyone {
			return msg
		}
		ps = append(ps, p)
		return ""
	})
	return written, ps, ok
}

func (rr *ruleReader) targetGroups(v ast.Node, path string) bool {
	d, r := rr.d, rr.r
	valid := func(s string) string {
		if !cognitoGroupPattern.MatchString(s) {
			return "expected a Cognito group name, got " + quote(s)
		}
		return ""
	}
	errs := len(d.errs)
	present := d.object(v, path, "a mapping with any_of and/or none_of (lists of Cognito groups)", []field{
		{"any_of", func(v ast.Node, path string) { r.TargetAnyOf, _ = d.strs(v, path, "Cognito group names", valid) }},
		{"none_of", func(v ast.Node, path string) { r.TargetNoneOf, _ = d.strs(v, path, "Cognito group names", valid) }},
	})
	if len(d.errs) > errs || present == nil {
		return false
	}
	if len(r.TargetAnyOf) == 0 && len(r.TargetNoneOf) == 0 {
		d.errorf(v, path, "expected any_of and/or none_of with at least one Cognito group; leave target_groups out to match every user")
		return false
	}
	for _, g := range r.TargetAnyOf {
		if slices.Contains(r.TargetNoneOf, g) {
			d.errorf(present["none_of"], join(path, "none_of"), "group %s is in both any_of and none_of, so the rule can never match", quote(g))
			return false
		}
	}
	return true
}

func (rr *ruleReader) require(v ast.Node, path string) bool {
	d, r := rr.d, rr.r
	req := &r.Requires
	errs := len(d.errs)
	var patternAt ast.Node
	present := d.object(v, path, "a mapping with ticket, ticket_pattern, reason and verified_by", []field{
		{"ticket", func(v ast.Node, path string) { req.Ticket, _ = d.boolean(v, path) }},
		{"ticket_pattern", func(v ast.Node, path string) {
			s, at, ok := d.str(v, path, "a regular expression, e.g. SUP-[0-9]+")
			if !ok {
				return
			}
			patternAt = at
			_, err := regexp.Compile(s)
			if err != nil || s == "" {
				d.errorf(at, path, "expected a regular expression, e.g. SUP-[0-9]+: %s", patternProblem(err))
				return
			}
			req.TicketPattern = s
		}},
		{"reason", func(v ast.Node, path string) { req.Reason, _ = d.boolean(v, path) }},
		{"verified_by", func(v ast.Node, path string) {
			seen := map[string]bool{}
			checks, ok := d.strs(v, path, "identity check names", func(s string) string {
				if !slices.ContainsFunc(rr.p.IdentityChecks, func(c policy.IdentityCheck) bool { return c.Name == s }) {
					return "unknown identity check " + quote(s) + "; expected one named under identity_checks: " + checkNames(rr.p.IdentityChecks)
				}
				return twice(seen, s)
			})
			if ok && len(checks) == 0 {
				d.errorf(v, path, "expected at least one identity check; leave verified_by out when none is required")
			}
			req.VerifiedBy = checks
		}},
	})
	if len(d.errs) > errs || present == nil {
		return false
	}
	if req.TicketPattern != "" && !req.Ticket {
		d.errorf(patternAt, join(path, "ticket_pattern"), "is set but ticket is not true; add ticket: true so that a ticket is required")
		return false
	}
	return true
}

func patternProblem(err error) string {
	if err == nil {
		return "got an empty pattern"
	}
	return err.Error()
}

func checkNames(checks []policy.IdentityCheck) string {
	if len(checks) == 0 {
		return "(the file names none)"
	}
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// check applies the rules that span fields: what each kind of rule must and must not say.
func (rr *ruleReader) check(n ast.Node, path string) {
	d, r := rr.d, rr.r
	has := func(name string) bool { _, ok := rr.present[name]; return ok }
	if !has("name") {
		d.errorf(n, join(path, "name"), "missing; every rule has a name, shown in decisions and the audit log")
	}
	for _, list := range []struct {
		name  string
		empty bool
	}{{"pools", len(r.Pools) == 0}, {"actions", len(r.Actions) == 0}} {
		if has(list.name) && !rr.bad[list.name] && list.empty {
			d.errorf(rr.present[list.name], join(path, list.name), "expected at least one; leave %s out to match every one", list.name)
		}
	}
	switch {
	case rr.bad["effect"]:
		// The kind of rule is unknown, and so is what it must say.
	case r.Deny:
		rr.checkDeny(path)
	default:
		rr.checkAllow(n, path)
	}
}

func (rr *ruleReader) checkDeny(path string) {
	d := rr.d
	if _, ok := rr.present["message"]; !ok && !rr.bad["message"] {
		d.errorf(rr.present["effect"], join(path, "message"), "missing; a deny rule says why, in words shown to the requester")
	}
	for _, name := range allowOnlyFields {
		if at, ok := rr.present[name]; ok {
			d.errorf(at, join(path, name), "has no meaning on a deny rule; a deny rule says only what it matches and its message")
		}
	}
	if at, ok := rr.present["requesters"]; ok && len(rr.requesters) == 0 && !rr.bad["requesters"] {
		d.errorf(at, join(path, "requesters"), "expected at least one; leave requesters out to deny everyone")
	}
}

func (rr *ruleReader) checkAllow(n ast.Node, path string) {
	d, r := rr.d, rr.r
	has := func(name string) bool { _, ok := rr.present[name]; return ok }
	if at, ok := rr.present["message"]; ok {
		d.errorf(at, join(path, "message"), "is shown by deny rules only; use description to explain an allow rule")
	}
	if !has("actions") {
		d.errorf(n, join(path, "actions"), "missing; an allow rule names the actions it allows, e.g. [reset]")
	}
	if len(rr.requesters) == 0 && !rr.bad["requesters"] {
		d.errorf(n, join(path, "requesters"), `missing; an allow rule names who may request: %s, or "*" for anyone`, policy.PrincipalExpected)
	}
	if rr.bad["actions"] || rr.bad["approvals"] {
		return
	}
	writes := slices.ContainsFunc(r.Actions, func(a policy.Action) bool { return !a.ReadOnly() })
	switch {
	case writes && !has("approvals"):
		d.errorf(n, join(path, "approvals"), "missing; say how many approvals a request needs (0 runs it at once, without approval)")
	case !writes && r.Approvals > 0:
		d.errorf(rr.present["approvals"], join(path, "approvals"), "status and history are answered at once and never need approval; leave approvals out")
	case r.Approvals == 0:
		for _, name := range approvalFields {
			if at, ok := rr.present[name]; ok {
				d.errorf(at, join(path, name), "has no meaning when approvals is 0: the request runs at once")
			}
		}
	default:
		rr.checkApprovers(n, path)
	}
	if rr.limits.PerRequesterMax == 0 {
		rr.limits.PerRequesterMax, rr.limits.PerRequesterWindow = d.fileLimits.PerRequesterMax, d.fileLimits.PerRequesterWindow
	}
	if rr.limits.PerTargetMax == 0 {
		rr.limits.PerTargetMax, rr.limits.PerTargetWindow = d.fileLimits.PerTargetMax, d.fileLimits.PerTargetWindow
	}
	if rr.limits.PerRequesterLookupsMax == 0 {
		rr.limits.PerRequesterLookupsMax, rr.limits.PerRequesterLookupsWindow = d.fileLimits.PerRequesterLookupsMax, d.fileLimits.PerRequesterLookupsWindow
	}
	r.Limits = rr.limits
}

// checkApprovers checks a rule that needs approval can get it, and fills in its expiry.
func (rr *ruleReader) checkApprovers(n ast.Node, path string) {
	d, r := rr.d, rr.r
	if len(rr.approvers) == 0 {
		if !rr.bad["approvers"] {
			d.errorf(n, join(path, "approvers"), "missing; a rule with approvals names who may approve: %s", policy.PrincipalExpected)
		}
		return
	}
	if !slices.ContainsFunc(rr.approvers, func(p policy.Principal) bool { return p.Kind == policy.Group }) && len(rr.approvers) < r.Approvals {
		d.errorf(rr.present["approvals"], join(path, "approvals"), "needs %d approvals but approvers names only %d %s, so no request could ever be approved", r.Approvals, len(rr.approvers), words.Plural(len(rr.approvers), "person", "people"))
	}
	if r.ExpiresAfter == 0 && !rr.bad["expires_after"] {
		r.ExpiresAfter = defaultExpiry
	}
	if r.RemindAfter > 0 && r.ExpiresAfter > 0 && r.RemindAfter >= r.ExpiresAfter {
		d.errorf(rr.present["remind_after"], join(path, "remind_after"), "is %s, not before expires_after (%s); a reminder comes while the request still waits", policy.FormatDuration(r.RemindAfter), policy.FormatDuration(r.ExpiresAfter))
	}
}
