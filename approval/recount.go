package approval

import (
	"context"
	"fmt"
	"slices"

	"github.com/resetbot/resetbot/policy"
)

// notCounted is an approval given earlier that does not count under the policy in force, and
// why.
type notCounted struct {
	Approval
	why string
}

// countApprovals sorts r's approvals by whether they count under d, the decision of the
// policy in force: each approver must still be one of d's approvers with their Slack user groups
// of now (as the Membership tells; without one, the groups they had when they approved), the
// requester counts only where d allows self-approval, and each person once. An approval is
// judged by the policy when it is counted, not by the one it was given under: a reload that
// narrows the approvers or turns self-approval off, or an approver who left the user group
// that made them one, takes it away.
func (s *Service) countApprovals(ctx context.Context, r *Request, d policy.Decision) (counted []Approval, dropped []notCounted, err error) {
	// Whether a person may approve, not whether more approvals are needed: CanApprove is
	// asked as if the rule needed one more than there are.
	judge := d
	judge.Approvals = len(r.Approvals) + 1
	for _, a := range r.Approvals {
		groups := a.Groups
		if s.members != nil {
			if groups, err = s.members.GroupsOf(ctx, a.By); err != nil {
				return nil, nil, &Error{Code: EINTERNAL,
					Message: "The bot could not read the approvers' Slack user groups to count their approvals; try again in a minute.",
					Err:     fmt.Errorf("groups of approver %s: %w", a.By, err)}
			}
		}
		if ok, why := s.pol.CanApprove(judge, policy.Approver{User: a.By, Groups: groups}, r.Requester, approvers(&Request{Approvals: counted})); !ok {
			dropped = append(dropped, notCounted{Approval: a, why: why})
			continue
		}
		a.Groups = slices.Clone(groups)
		counted = append(counted, a)
	}
	return counted, dropped, nil
}

// notCountedEvents record the approvals that no longer count.
func notCountedEvents(dropped []notCounted) []Event {
	var out []Event
	for _, n := range dropped {
		out = append(out, Event{Actor: "system", Kind: "approval_not_counted", Outcome: "not counted",
			Detail: fmt.Sprintf("the approval of %s given at %s does not count under the policy in force: %s", n.By, n.At.UTC().Format("2006-01-02T15:04:05Z"), n.why)})
	}
	return out
}
