package policyfile

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/words"
	"github.com/resetbot/resetbot/policy"
)

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
		if r.full() {
			break
		}
		rc := &ruleCheck{r: r, c: c, path: index("rules", i), doc: doc}
		if r.bad(rc.path) {
			continue
		}
		rc.rule.Line, _ = position(r.value(rc.path))
		rc.fields(fileLimits)
		rc.check()
		switch line, dup := seen[rc.rule.Name]; {
		case r.failed(rc.path):
		case dup:
			rc.valueErrorf("name", "rule name %q is already used by the rule on line %d; names are unique", rc.rule.Name, line)
		default:
			seen[rc.rule.Name] = rc.rule.Line
			c.Rules = append(c.Rules, rc.rule)
		}
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

func (rc *ruleCheck) at(field string) string   { return join(rc.path, field) }
func (rc *ruleCheck) has(field string) bool    { return rc.r.has(rc.at(field)) }
func (rc *ruleCheck) good(field string) bool   { return rc.r.good(rc.at(field)) }
func (rc *ruleCheck) failed(field string) bool { return rc.r.failed(rc.at(field)) }
func (rc *ruleCheck) empty(field string, n int) bool {
	return rc.has(field) && !rc.failed(field) && n == 0
}

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

// missingf reports a problem with field at the start of the rule: the field is missing, or
// says nothing.
func (rc *ruleCheck) missingf(field, format string, args ...any) {
	rc.r.errorf(rc.r.value(rc.path), rc.at(field), format, args...)
}

// fields checks each field of the rule on its own and builds the rule.
func (rc *ruleCheck) fields(fileLimits policy.Limits) {
	d, r, c := rc.doc, &rc.rule, rc.c
	r.Name, r.Description, r.Message = d.Name, strings.TrimSpace(d.Description), strings.TrimSpace(d.Message)
	r.Deny, r.Approvals, r.SelfApproval = d.Effect == "deny", d.Approvals, d.SelfApproval
	if rc.good("message") && r.Message == "" {
		rc.valueErrorf("message", "expected a message shown to the requester, e.g. Admin accounts are reset by the security team")
	}
	r.Pools = texts[string](rc.r, rc.at("pools"), d.Pools, func(s string) string { return unknownPool(c.Pools, s) })
	r.Actions = texts[policy.Action](rc.r, rc.at("actions"), d.Actions, func(s string) string {
		if _, known := policy.ParseAction(s); !known {
			return "unknown action " + quote(s) + "; expected one of: " + policy.ActionNames()
		}
		return ""
	})
	rc.targetGroups()
	r.Requesters, rc.requesters = rc.principals("requesters", d.Requesters, true)
	r.Approvers, rc.approvers = rc.principals("approvers", d.Approvers, false)
	r.ExpiresAfter = rc.r.duration(rc.at("expires_after"), d.ExpiresAfter)
	r.RemindAfter = rc.r.duration(rc.at("remind_after"), d.RemindAfter)
	rc.require()
	if l := rc.r.limits(d.Limits, rc.at("limits"), fileLimits); !r.Deny {
		r.Limits = l
	}
}

// principals checks requesters or approvers, and returns them as written and ready to match.
func (rc *ruleCheck) principals(field string, items []string, anyoneOK bool) ([]string, []policy.Principal) {
	var ps []policy.Principal
	seen := map[string]bool{}
	written := texts[string](rc.r, rc.at(field), items, func(s string) string {
		p, err := policy.ParsePrincipal(s, anyoneOK)
		switch {
		case err != nil:
			return err.Error()
		case seen[p.ID] && p.Kind != policy.Anyone:
			return quote(p.ID) + " is listed twice"
		}
		seen[p.ID] = true
		ps = append(ps, p)
		return ""
	})
	return written, ps
}

func (rc *ruleCheck) targetGroups() {
	t := rc.doc.TargetGroups
	switch {
	case t == nil || rc.failed("target_groups"):
	case len(t.AnyOf) == 0 && len(t.NoneOf) == 0:
		rc.valueErrorf("target_groups", "expected any_of and/or none_of with at least one Cognito group; leave target_groups out to match every user")
	default:
		if i := slices.IndexFunc(t.AnyOf, func(g string) bool { return slices.Contains(t.NoneOf, g) }); i >= 0 {
			rc.errorf("target_groups.none_of", "group %s is in both any_of and none_of, so the rule can never match", quote(t.AnyOf[i]))
			return
		}
		rc.rule.TargetAnyOf, rc.rule.TargetNoneOf = t.AnyOf, t.NoneOf
	}
}

func (rc *ruleCheck) require() {
	q, req := rc.doc.Require, &rc.rule.Requires
	if q == nil || rc.r.bad(rc.at("require")) {
		return
	}
	req.Ticket, req.Reason = q.Ticket, q.Reason
	if rc.good("require.ticket_pattern") {
		_, err := regexp.Compile(q.TicketPattern)
		if q.TicketPattern == "" {
			err = errors.New("got an empty pattern")
		}
		if err != nil {
			rc.valueErrorf("require.ticket_pattern", "expected a regular expression, e.g. SUP-[0-9]+: %v", err)
		} else {
			req.TicketPattern = q.TicketPattern
		}
	}
	checks := rc.c.IdentityChecks
	req.VerifiedBy = texts[string](rc.r, rc.at("require.verified_by"), q.VerifiedBy, func(s string) string {
		if !slices.ContainsFunc(checks, func(c policy.IdentityCheck) bool { return c.Name == s }) {
			return "unknown identity check " + quote(s) + "; expected one named under identity_checks: " +
				policy.JoinNames(checks, func(c policy.IdentityCheck) string { return c.Name }, "(the file names none)")
		}
		return ""
	})
	if rc.empty("require.verified_by", len(req.VerifiedBy)) {
		rc.valueErrorf("require.verified_by", "expected at least one identity check; leave verified_by out when none is required")
	}
	if !rc.failed("require") && req.TicketPattern != "" && !req.Ticket {
		rc.valueErrorf("require.ticket_pattern", "is set but ticket is not true; add ticket: true so that a ticket is required")
	}
}

// check applies the rules that span fields: what each kind of rule must and must not say. It
// says nothing about a field already reported.
func (rc *ruleCheck) check() {
	r := &rc.rule
	if !rc.has("name") {
		rc.missingf("name", "missing; every rule has a name, shown in decisions and the audit log")
	}
	switch {
	case rc.failed("effect"): // the kind of rule is unknown, and so is what it must say
	case r.Deny:
		rc.checkDeny()
	default:
		rc.checkAllow()
	}
	// An empty list is reported last: the checks above take it as the rule says it.
	if rc.empty("pools", len(r.Pools)) {
		rc.errorf("pools", "expected at least one; leave pools out to match every one")
	}
	if rc.empty("actions", len(r.Actions)) {
		rc.errorf("actions", "expected at least one; leave actions out to match every one")
	}
}

func (rc *ruleCheck) checkDeny() {
	if !rc.has("message") {
		rc.r.errorf(rc.r.key(rc.at("effect")), rc.at("message"), "missing; a deny rule says why, in words shown to the requester")
	}
	for _, name := range allowOnlyFields {
		if rc.has(name) {
			rc.errorf(name, "has no meaning on a deny rule; a deny rule says only what it matches and its message")
		}
	}
	if rc.empty("requesters", len(rc.requesters)) {
		rc.errorf("requesters", "expected at least one; leave requesters out to deny everyone")
	}
}

func (rc *ruleCheck) checkAllow() {
	r := &rc.rule
	if rc.has("message") {
		rc.errorf("message", "is shown by deny rules only; use description to explain an allow rule")
	}
	if !rc.has("actions") {
		rc.missingf("actions", "missing; an allow rule names the actions it allows, e.g. [reset]")
	}
	if len(rc.requesters) == 0 && !rc.failed("requesters") {
		rc.missingf("requesters", `missing; an allow rule names who may request: %s, or "*" for anyone`, policy.PrincipalExpected)
	}
	if rc.failed("actions") || rc.failed("approvals") {
		return
	}
	writes := slices.ContainsFunc(r.Actions, func(a policy.Action) bool { return !a.ReadOnly() })
	switch {
	case writes && !rc.has("approvals"):
		rc.missingf("approvals", "missing; say how many approvals a request needs (0 runs it at once, without approval)")
	case !writes && r.Approvals > 0:
		rc.errorf("approvals", "status and history are answered at once and never need approval; leave approvals out")
	case r.Approvals == 0:
		for _, name := range approvalFields {
			if rc.has(name) {
				rc.errorf(name, "has no meaning when approvals is 0: the request runs at once")
			}
		}
	default:
		rc.checkApprovers()
	}
}

// checkApprovers checks a rule that needs approval can get it, and fills in its expiry.
func (rc *ruleCheck) checkApprovers() {
	r := &rc.rule
	if len(rc.approvers) == 0 {
		if !rc.failed("approvers") {
			rc.missingf("approvers", "missing; a rule with approvals names who may approve: %s", policy.PrincipalExpected)
		}
		return
	}
	if !slices.ContainsFunc(rc.approvers, func(p policy.Principal) bool { return p.Kind == policy.Group }) && len(rc.approvers) < r.Approvals {
		rc.errorf("approvals", "needs %d approvals but approvers names only %d %s, so no request could ever be approved", r.Approvals, len(rc.approvers), words.Plural(len(rc.approvers), "person", "people"))
	}
	if r.ExpiresAfter == 0 && !rc.failed("expires_after") {
		r.ExpiresAfter = defaultExpiry
	}
	if r.RemindAfter > 0 && r.ExpiresAfter > 0 && r.RemindAfter >= r.ExpiresAfter {
		rc.errorf("remind_after", "is %s, not before expires_after (%s); a reminder comes while the request still waits", policy.FormatDuration(r.RemindAfter), policy.FormatDuration(r.ExpiresAfter))
	}
}
