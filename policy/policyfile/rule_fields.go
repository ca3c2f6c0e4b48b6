package policyfile

import (
	"slices"

	"github.com/resetbot/resetbot/internal/words"
	"github.com/resetbot/resetbot/policy"
)

// missingf reports a problem with field at the start of the rule: the field is missing, or
// says nothing.
func (rc *ruleCheck) missingf(field, format string, args ...any) {
	rc.r.errorf(rc.r.value(rc.path), rc.at(field), format, args...)
}

// check applies the rules that span fields: what each kind of rule must and must not say. It
// says nothing about a field already reported.
func (rc *ruleCheck) check() {
	r := &rc.rule
	if !rc.has("name") {
		rc.missingf("name", "missing; every rule has a name, shown in decisions and the audit log")
	}
	switch {
	case rc.failed("effect"):
		// The kind of rule is unknown, and so is what it must say.
	case r.Deny:
		rc.checkDeny()
	default:
		rc.checkAllow()
	}
	// An empty list is reported last: the checks above take it as the rule says it.
	for _, list := range []struct {
		name  string
		empty bool
	}{{"pools", len(r.Pools) == 0}, {"actions", len(r.Actions) == 0}} {
		if rc.has(list.name) && !rc.failed(list.name) && list.empty {
			rc.errorf(list.name, "expected at least one; leave %s out to match every one", list.name)
		}
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
	if rc.has("requesters") && len(rc.requesters) == 0 && !rc.failed("requesters") {
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
