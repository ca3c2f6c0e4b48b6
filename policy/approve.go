package policy

import (
	"fmt"
	"slices"

	"github.com/resetbot/resetbot/internal/words"
)

// approval is the question CanApprove answers, for its checks to read.
type approval struct {
	d         Decision
	approver  Approver
	requester string
	counted   []string // distinct approvals so far that count
	verb      string   // "approve" or "deny", as the reasons say it
}

// approveChecks are the reasons an approval is refused, tried in order; each returns the
// reason, or "" when it does not apply.
var approveChecks = []func(a approval) string{
	func(a approval) string {
		if !a.d.Allowed {
			return fmt.Sprintf("The policy does not allow this request, so it cannot be %s.", pastParticiple[a.verb])
		}
		return ""
	},
	func(a approval) string {
		if a.d.Approvals == 0 {
			return "This request needs no approval."
		}
		return ""
	},
	func(a approval) string {
		if a.approver.User == a.requester && !a.d.SelfApproval {
			return ownRequest[a.verb]
		}
		return ""
	},
	func(a approval) string {
		if slices.Contains(a.counted, a.approver.User) {
			return "You have already approved this request; each person counts once."
		}
		return ""
	},
	func(a approval) string {
		for _, s := range a.d.Approvers {
			if p, err := ParsePrincipal(s, false); err == nil && p.matches(a.approver.User, a.approver.Groups) {
				return ""
			}
		}
		return fmt.Sprintf("Only %s may %s this request.", words.Or(a.d.Approvers), a.verb)
	},
	func(a approval) string {
		if len(a.counted) >= a.d.Approvals {
			return fmt.Sprintf("This request already has the %d %s it needs.", a.d.Approvals, words.Plural(a.d.Approvals, "approval", "approvals"))
		}
		return ""
	},
}

// The verbs of the decisions CanApprove and CanDeny answer for.
const (
	verbApprove = "approve"
	verbDeny    = "deny"
)

// pastParticiple and ownRequest word the reasons per verb.
var (
	pastParticiple = map[string]string{verbApprove: "approved", verbDeny: "denied"}
	ownRequest     = map[string]string{
		verbApprove: "You cannot approve your own request; someone else must.",
		verbDeny:    "You cannot deny your own request; cancel it instead.",
	}
)

// CanApprove answers whether approver may approve the request decided by d, made by requester,
// which the people in approvals have approved so far. Each person counts once, and the
// requester counts only where the rule allows self-approval. When the answer is no, the reason
// says why in plain words.
func (p *Policy) CanApprove(d Decision, approver Approver, requester string, approvals []string) (bool, string) {
	return canDecide(d, approver, requester, approvals, verbApprove)
}

// CanDeny answers whether approver may deny the request decided by d, made by requester: whoever
// may approve it may deny it, and the reason for a no says "deny".
func (p *Policy) CanDeny(d Decision, approver Approver, requester string) (bool, string) {
	return canDecide(d, approver, requester, nil, verbDeny)
}

func canDecide(d Decision, approver Approver, requester string, approvals []string, verb string) (bool, string) {
	a := approval{d: d, approver: approver, requester: requester, verb: verb}
	for _, by := range approvals {
		if by == requester && !d.SelfApproval || slices.Contains(a.counted, by) {
			continue
		}
		a.counted = append(a.counted, by)
	}
	for _, check := range approveChecks {
		if reason := check(a); reason != "" {
			return false, reason
		}
	}
	return true, ""
}
