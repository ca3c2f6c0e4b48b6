package approval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/resetbot/resetbot/policy"
)

// prepared is a submission the policy and the directory have answered.
type prepared struct {
	sub      Submission
	decision policy.Decision
	user     User
	// lookupErr is the directory's answer when it did not find the user; the decision was then
	// made as for a user in no group.
	lookupErr error
}

// missingField says in plain words what a request must still carry.
var missingField = map[string]func(d policy.Decision) string{
	"ticket": func(d policy.Decision) string {
		if d.Requires.TicketPattern != "" {
			return fmt.Sprintf("Give the support ticket; the whole of it must match %s.", d.Requires.TicketPattern)
		}
		return "Give the support ticket this request is for."
	},
	"reason": func(policy.Decision) string { return "Say why the user needs this." },
	"verified_by": func(d policy.Decision) string {
		if len(d.Requires.VerifiedBy) > 0 {
			return "Say how you verified the user's identity: one of " + strings.Join(d.Requires.VerifiedBy, ", ") + "."
		}
		return "Say how you verified the user's identity."
	},
}

// prepare asks the policy and the directory about a submission. Someone no allow rule could
// match for the action, whoever the target, is refused before the target is looked up. The
// policy is asked twice:
// first to learn the pool (the target's groups are unknown until it is looked up), then with
// the target's groups, which is the decision that counts. A target that is not found is
// decided as a user in no group, so that someone the policy refuses learns nothing about
// which users exist.
//
// The error is a *ValidationError for field problems, an *Error with EFORBIDDEN when the
// policy refuses, or the directory's error.
// beforeLookup, when not nil, is asked with the decision made without the target's groups right
// before the target is looked up, and stops the lookup with its error.
func (s *Service) prepare(ctx context.Context, p *prepared, sub Submission, beforeLookup func(first policy.Decision) error) error {
	// The steps before and after the lookup are functions of their own, and p is the caller's:
	// this frame stays on the stack while the directory waits on Cognito, under load on
	// hundreds of goroutines at once, so it holds little.
	if err := s.screen(p, sub); err != nil {
		return err
	}
	if beforeLookup != nil {
		if err := beforeLookup(p.decision); err != nil {
			return err
		}
	}
	user, err := s.dir.Lookup(ctx, p.decision.Pool, p.sub.Target)
	return s.decideFound(p, &user, err)
}

// screen is what prepare does before the lookup: the submission's fields trimmed and checked,
// and the decision made without the target's groups (p.decision), which names the pool. It
// refuses a submission that cannot be made whoever the target is.
//
//go:noinline
func (s *Service) screen(p *prepared, sub Submission) error {
	sub.Target = strings.TrimSpace(sub.Target)
	sub.Ticket = strings.TrimSpace(sub.Ticket)
	sub.Reason = strings.TrimSpace(sub.Reason)
	sub.VerifiedBy = strings.TrimSpace(sub.VerifiedBy)
	*p = prepared{sub: sub}
	if _, ok := policy.ParseAction(string(sub.Action)); !ok {
		return &ValidationError{Fields: map[string]string{"action": fmt.Sprintf("There is no action %q.", sub.Action)}}
	}
	if sub.Target == "" {
		return &ValidationError{Fields: map[string]string{"target": "Say which user: a username, an email address or a sub."}}
	}

	first := s.pol.Decide(submissionFacts(sub, nil))
	p.decision = first
	if first.Pool.ID == "" {
		if s.unknownPool(sub.Pool) {
			return &ValidationError{Fields: map[string]string{"pool": orDefault(first.Reason, fmt.Sprintf("There is no pool %q.", sub.Pool))}}
		}
		return forbidden(first)
	}
	if !slices.Contains(s.pol.Permitted(submissionFacts(sub, nil))[first.Pool.Name], sub.Action) {
		// No allow rule could match this requester, whoever the target: refuse before looking
		// the target up, so that an outsider neither costs a Cognito call nor learns from the
		// answer whether the user exists or which groups they are in. The decision made without
		// the target's groups says why, in words that do not depend on the target.
		return outsider(first)
	}
	return nil
}

// decideFound is what prepare does after the lookup: the decision made with the target's
// groups (none when the directory did not find the target: lookupErr), and what it refuses.
//
//go:noinline
func (s *Service) decideFound(p *prepared, user *User, err error) error {
	sub := p.sub
	groups := user.Groups
	if err != nil {
		p.lookupErr = fmt.Errorf("look up %s in pool %s: %w", MaskRef(sub.Target), p.decision.Pool.Name, err)
		groups = nil
	}
	if groups == nil {
		groups = []string{}
	}
	p.user = *user
	p.decision = s.pol.Decide(submissionFacts(sub, groups))
	d := p.decision

	if !d.Allowed && len(d.Missing) == 0 {
		return forbidden(d)
	}
	if fields := fieldProblems(d); len(fields) > 0 {
		if target, ok := targetProblem(p.lookupErr); ok {
			fields[target.field] = target.message
		}
		return &ValidationError{Fields: fields}
	}
	if !d.Allowed {
		return forbidden(d)
	}
	return p.lookupErr
}

// poolNamer is a Policy that can tell which pool names it knows (policyfile.Holder can).
type poolNamer interface {
	Pool(name string) (policy.Pool, bool)
}

// unknownPool reports whether a pool name was typed that the policy does not know: a field
// problem rather than a refusal.
func (s *Service) unknownPool(name string) bool {
	pn, ok := s.pol.(poolNamer)
	if !ok || name == "" {
		return false
	}
	_, known := pn.Pool(name)
	return !known
}

// fieldProblems says, for each field the policy found missing or unfit, what it needs.
func fieldProblems(d policy.Decision) map[string]string {
	fields := map[string]string{}
	for _, m := range d.Missing {
		if say, ok := missingField[m]; ok {
			fields[m] = say(d)
		} else {
			fields[m] = fmt.Sprintf("This request needs %s.", m)
		}
	}
	return fields
}

// outsider is the refusal of someone no allow rule could match for the action, whatever the
// target: the reason of the decision made without the target's groups.
func outsider(d policy.Decision) *Error {
	if d.Allowed || d.DependsOnTarget && d.Rule == "" {
		d.Reason = fmt.Sprintf("The policy does not let you ask for %s in pool %s.", d.Action, d.Pool.Name)
	}
	d.Allowed = false
	return forbidden(d)
}

func forbidden(d policy.Decision) *Error {
	msg := d.Reason
	if msg == "" {
		msg = "The policy does not allow this request."
	}
	return &Error{Code: EFORBIDDEN, Message: msg, Err: fmt.Errorf("policy rule %q refused", d.Rule)}
}

func submissionFacts(sub Submission, targetGroups []string) policy.Facts {
	return policy.Facts{
		Team: sub.Team, Enterprise: sub.Enterprise, Channel: sub.Channel,
		Requester: sub.Requester, Groups: sub.Groups,
		Pool: sub.Pool, Action: sub.Action, TargetGroups: targetGroups,
		Ticket: sub.Ticket, Reason: sub.Reason, VerifiedBy: sub.VerifiedBy,
	}
}

// decideAgain asks the policy about a stored request, with the requester's and the target's
// groups as they are now.
func (s *Service) decideAgain(r *Request, requesterGroups, targetGroups []string) policy.Decision {
	if targetGroups == nil {
		targetGroups = []string{}
	}
	return s.pol.Decide(policy.Facts{
		Team: r.Team, Enterprise: r.Enterprise, Channel: r.Channel,
		Requester: r.Requester, Groups: requesterGroups,
		Pool: r.Pool.Name, Action: r.Action, TargetGroups: targetGroups,
		Ticket: r.Ticket, Reason: r.Reason, VerifiedBy: r.VerifiedBy,
	})
}

// stillHolds reports whether a decision made now still covers the request as it was made;
// when not, it says why in plain words.
func stillHolds(r *Request, d policy.Decision) (bool, string) {
	switch {
	case !d.Allowed:
		return false, "the policy no longer allows it (" + strings.TrimSuffix(orDefault(d.Reason, "no rule matches"), ".") + ")"
	case d.Rule != r.Rule:
		return false, fmt.Sprintf("a different policy rule applies now (%q instead of %q)", d.Rule, r.Rule)
	case d.Pool.ID != r.Pool.ID:
		return false, "the pool now resolves to a different user pool"
	}
	return true, ""
}

// snapshot is the target as the request records it: contacts masked.
func snapshot(ref string, u User) Target {
	return Target{
		Ref: MaskRef(ref), Username: u.Username, Sub: u.Sub, Status: u.Status, Enabled: u.Enabled,
		EmailMasked: MaskEmail(u.Email), EmailVerified: u.EmailVerified,
		PhoneMasked: MaskPhone(u.Phone), PhoneVerified: u.PhoneVerified,
		Groups: slices.Clone(u.Groups), ContactDigest: contactDigest(u),
	}
}

// contactDigest is a digest of the user's email and phone number, salted with their sub.
func contactDigest(u User) string {
	sum := sha256.Sum256([]byte(u.Sub + "\x00" + u.Email + "\x00" + u.Phone))
	return hex.EncodeToString(sum[:])
}

// Display is the target's username fit for a Slack message: masked when it is an address.
func (t Target) Display() string { return MaskRef(t.Username) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type fieldProblem struct{ field, message string }

// lookupFields are the directory errors that are a problem with one field of the submission.
var lookupFields = map[string]string{
	ENOTFOUND:     "target",
	EPOOLNOTFOUND: "pool",
}

// targetProblem turns a lookup error that is a field problem into one.
func targetProblem(err error) (fieldProblem, bool) {
	if err == nil {
		return fieldProblem{}, false
	}
	f, ok := lookupFields[ErrorCode(err)]
	if !ok {
		return fieldProblem{}, false
	}
	return fieldProblem{field: f, message: ErrorMessage(err)}, true
}
