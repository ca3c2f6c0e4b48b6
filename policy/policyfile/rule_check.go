package policyfile

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/resetbot/resetbot/policy"
)

// MaxApprovals is the most approvals a rule may ask for.
const MaxApprovals = 10

// defaultExpiry is how long a request waits for approval when its rule does not say.
const defaultExpiry = 24 * time.Hour

// Fields only an allow rule has.
var allowOnlyFields = []string{"approvers", "approvals", "self_approval", "expires_after", "remind_after", "require", "limits"}

// Fields that mean nothing when a request runs without approval.
var approvalFields = []string{"approvers", "self_approval", "expires_after", "remind_after"}

// rules checks each rule; a rule with any problem is left out, so that names are compared
// among good rules only.
func (r *reader) rules(c *policy.Config, docs []ruleDoc, fileLimits policy.Limits) {
	seen := map[string]int{}
	for i, doc := range docs {
		path := index("rules", i)
		if r.bad(path) {
			continue
		}
		rc := &ruleCheck{r: r, c: c, path: path, doc: doc}
		rc.rule.Line, _ = position(r.value(path))
		rc.about()
		rc.match()
		rc.allow(fileLimits)
		rc.check()
		if r.failed(path) {
			continue
		}
		if line, dup := seen[rc.rule.Name]; dup {
			at := join(path, "name")
			r.errorf(r.value(at), at, "rule name %q is already used by the rule on line %d; names are unique", rc.rule.Name, line)
			continue
		}
		seen[rc.rule.Name] = rc.rule.Line
		c.Rules = append(c.Rules, rc.rule)
	}
}

// ruleCheck checks one rule and builds it, keeping the requesters and approvers as parsed for
// the checks across fields.
type ruleCheck struct {
	r                     *reader
	c                     *policy.Config
	path                  string
	doc                   ruleDoc
	rule                  policy.Rule
	requesters, approvers []policy.Principal
}

func (rc *ruleCheck) at(field string) string { return join(rc.path, field) }
func (rc *ruleCheck) has(field string) bool  { return rc.r.has(rc.at(field)) }
func (rc *ruleCheck) good(field string) bool { return rc.r.good(rc.at(field)) }

// failed reports whether the field was reported, by itself or inside.
func (rc *ruleCheck) failed(field string) bool { return rc.r.failed(rc.at(field)) }

// errorf reports a problem with field, at its key (or, when it is missing, at the rule).
func (rc *ruleCheck) errorf(field, format string, args ...any) {
	at := rc.r.key(rc.at(field))
	if at == nil {
		at = rc.r.value(rc.path)
	}
	rc.r.errorf(at, rc.at(field), format, args...)
}

// valueErrorf reports a problem with field's value.
func (rc *ruleCheck) valueErrorf(field, format string, args ...any) {
	rc.r.errorf(rc.r.value(rc.at(field)), rc.at(field), format, args...)
}

func (rc *ruleCheck) about() {
	d, r := rc.doc, &rc.rule
	r.Name, r.Description, r.Message = d.Name, strings.TrimSpace(d.Description), strings.TrimSpace(d.Message)
	r.Deny = d.Effect == "deny"
	if rc.good("message") && r.Message == "" {
		rc.valueErrorf("message", "expected a message shown to the requester, e.g. Admin accounts are reset by the security team")
	}
}

func (rc *ruleCheck) match() {
	d, r, c := rc.doc, &rc.rule, rc.c
	r.Pools = rc.r.texts(rc.at("pools"), d.Pools, func(s string) string {
		if !hasPool(c.Pools, s) {
			return unknownPool(c.Pools, s)
		}
		return ""
	})
	for _, s := range rc.r.texts(rc.at("actions"), d.Actions, func(s string) string {
		if _, known := policy.ParseAction(s); !known {
			return "unknown action " + quote(s) + "; expected one of: " + policy.ActionNames()
		}
		return ""
	}) {
		r.Actions = append(r.Actions, policy.Action(s))
	}
	rc.targetGroups()
	r.Requesters, rc.requesters = rc.principals("requesters", d.Requesters, true)
}

func (rc *ruleCheck) allow(fileLimits policy.Limits) {
	d, r := rc.doc, &rc.rule
	r.Approvers, rc.approvers = rc.principals("approvers", d.Approvers, false)
	r.Approvals, r.SelfApproval = d.Approvals, d.SelfApproval
	r.ExpiresAfter = rc.r.duration(rc.at("expires_after"), d.ExpiresAfter)
	r.RemindAfter = rc.r.duration(rc.at("remind_after"), d.RemindAfter)
	rc.require()
	l := rc.r.limits(d.Limits, rc.at("limits"))
	if l.PerRequesterMax == 0 {
		l.PerRequesterMax, l.PerRequesterWindow = fileLimits.PerRequesterMax, fileLimits.PerRequesterWindow
	}
	if l.PerTargetMax == 0 {
		l.PerTargetMax, l.PerTargetWindow = fileLimits.PerTargetMax, fileLimits.PerTargetWindow
	}
	if l.PerRequesterLookupsMax == 0 {
		l.PerRequesterLookupsMax, l.PerRequesterLookupsWindow = fileLimits.PerRequesterLookupsMax, fileLimits.PerRequesterLookupsWindow
	}
	if !r.Deny {
		r.Limits = l
	}
}

// principals checks requesters or approvers, and returns them as written and ready to match.
func (rc *ruleCheck) principals(field string, items []string, anyoneOK bool) ([]string, []policy.Principal) {
	var ps []policy.Principal
	seen := map[string]bool{}
	written := rc.r.texts(rc.at(field), items, func(s string) string {
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
	return written, ps
}

func (rc *ruleCheck) targetGroups() {
	const field = "target_groups"
	t, r := rc.doc.TargetGroups, &rc.rule
	if t == nil || !rc.good(field) {
		return
	}
	anyOf, noneOf := t.AnyOf, t.NoneOf
	switch {
	case rc.failed(field):
	case len(anyOf) == 0 && len(noneOf) == 0:
		rc.valueErrorf(field, "expected any_of and/or none_of with at least one Cognito group; leave target_groups out to match every user")
	default:
		for _, g := range anyOf {
			if slices.Contains(noneOf, g) {
				rc.errorf(field+".none_of", "group %s is in both any_of and none_of, so the rule can never match", quote(g))
				return
			}
		}
		r.TargetAnyOf, r.TargetNoneOf = anyOf, noneOf
	}
}

func (rc *ruleCheck) require() {
	const field = "require"
	q, req := rc.doc.Require, &rc.rule.Requires
	if q == nil || !rc.good(field) {
		return
	}
	req.Ticket, req.Reason = q.Ticket, q.Reason
	if rc.good(field + ".ticket_pattern") {
		if _, err := regexp.Compile(q.TicketPattern); err != nil || q.TicketPattern == "" {
			rc.valueErrorf(field+".ticket_pattern", "expected a regular expression, e.g. SUP-[0-9]+: %s", patternProblem(err))
		} else {
			req.TicketPattern = q.TicketPattern
		}
	}
	req.VerifiedBy = rc.r.texts(rc.at(field+".verified_by"), q.VerifiedBy, func(s string) string {
		if !slices.ContainsFunc(rc.c.IdentityChecks, func(c policy.IdentityCheck) bool { return c.Name == s }) {
			return "unknown identity check " + quote(s) + "; expected one named under identity_checks: " + checkNames(rc.c.IdentityChecks)
		}
		return ""
	})
	if rc.good(field+".verified_by") && !rc.failed(field+".verified_by") && len(req.VerifiedBy) == 0 {
		rc.valueErrorf(field+".verified_by", "expected at least one identity check; leave verified_by out when none is required")
	}
	if !rc.failed(field) && req.TicketPattern != "" && !req.Ticket {
		rc.valueErrorf(field+".ticket_pattern", "is set but ticket is not true; add ticket: true so that a ticket is required")
	}
}

func patternProblem(err error) string {
	if err == nil {
		return "got an empty pattern"
	}
	return err.Error()
}

func checkNames(checks []policy.IdentityCheck) string {
	return policy.JoinNames(checks, func(c policy.IdentityCheck) string { return c.Name }, "(the file names none)")
}

func twice(seen map[string]bool, s string) string {
	if seen[s] {
		return quote(s) + " is listed twice"
	}
	seen[s] = true
	return ""
}
