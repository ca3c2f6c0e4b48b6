package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
)

func TestCanApprove(t *testing.T) {
	p := mustParse(t, decidePolicy)
	oneApproval := p.Decide(supportFacts())                                                                       // 1 from @support-leads or U0BOB
	twoApprovals := p.Decide(with(supportFacts(), func(f *policy.Facts) { f.Action = policy.ActionVerifyEmail })) // 2 from U0BOB, U0CAROL; self-approval
	noApproval := p.Decide(with(supportFacts(), func(f *policy.Facts) { f.Groups = []string{"@support-leads"} }))
	deniedDecision := p.Decide(with(supportFacts(), func(f *policy.Facts) { f.Ticket = "" }))
	lead := policy.Approver{User: "U0LEAD", Groups: []string{"S0LEADS", "@support-leads"}}

	type answer struct {
		OK     bool
		Reason string
	}
	tests := []struct {
		name      string
		d         policy.Decision
		approver  policy.Approver
		requester string
		approvals []string
		want      answer
	}{
		{"approver by group handle", oneApproval, lead, "U0DAN", nil, answer{OK: true}},
		{"handle in another case", oneApproval, policy.Approver{User: "U0LEAD", Groups: []string{"@Support-Leads"}}, "U0DAN", nil, answer{OK: true}},
		{"approver by user id", oneApproval, policy.Approver{User: "U0BOB"}, "U0DAN", nil, answer{OK: true}},
		{
			"not an approver", oneApproval, policy.Approver{User: "U0EVE", Groups: []string{"@support"}}, "U0DAN", nil,
			answer{Reason: "Only @support-leads or U0BOB may approve this request."},
		},
		{
			"own request", oneApproval, policy.Approver{User: "U0BOB"}, "U0BOB", nil,
			answer{Reason: "You cannot approve your own request; someone else must."},
		},
		{
			"already approved", twoApprovals, policy.Approver{User: "U0BOB"}, "U0DAN", []string{"U0BOB"},
			answer{Reason: "You have already approved this request; each person counts once."},
		},
		{
			"threshold reached", oneApproval, policy.Approver{User: "U0BOB"}, "U0DAN", []string{"U0LEAD"},
			answer{Reason: "This request already has the 1 approval it needs."},
		},
		{"second of two", twoApprovals, policy.Approver{User: "U0CAROL"}, "U0DAN", []string{"U0BOB"}, answer{OK: true}},
		{
			"two reached, repeats counted once", twoApprovals, policy.Approver{User: "U0CAROL"}, "U0DAN", []string{"U0BOB", "U0BOB", "U0DAVE"},
			answer{Reason: "This request already has the 2 approvals it needs."},
		},
		{"self-approval where the rule allows it", twoApprovals, policy.Approver{User: "U0BOB"}, "U0BOB", nil, answer{OK: true}},
		{"self-approval counts once, a second person is still needed", twoApprovals, policy.Approver{User: "U0CAROL"}, "U0BOB", []string{"U0BOB"}, answer{OK: true}},
		{
			"requester's own approval does not count without self-approval", oneApproval, policy.Approver{User: "U0BOB"}, "U0LEAD", []string{"U0LEAD"},
			answer{OK: true},
		},
		{
			"no approval needed", noApproval, lead, "U0DAN", nil,
			answer{Reason: "This request needs no approval."},
		},
		{
			"not allowed", deniedDecision, lead, "U0DAN", nil,
			answer{Reason: "The policy does not allow this request, so it cannot be approved."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := p.CanApprove(tt.d, tt.approver, tt.requester, tt.approvals)
			if diff := cmp.Diff(tt.want, answer{ok, reason}); diff != "" {
				t.Errorf("CanApprove() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCanDeny(t *testing.T) {
	p := mustParse(t, decidePolicy)
	oneApproval := p.Decide(supportFacts()) // 1 from @support-leads or U0BOB
	deniedDecision := p.Decide(with(supportFacts(), func(f *policy.Facts) { f.Ticket = "" }))

	type answer struct {
		OK     bool
		Reason string
	}
	tests := []struct {
		name      string
		d         policy.Decision
		approver  policy.Approver
		requester string
		want      answer
	}{
		{"approver by group handle", oneApproval, policy.Approver{User: "U0LEAD", Groups: []string{"@support-leads"}}, "U0DAN", answer{OK: true}},
		{
			"an outsider is told who may deny", oneApproval, policy.Approver{User: "U0EVE", Groups: []string{"@support"}}, "U0DAN",
			answer{Reason: "Only @support-leads or U0BOB may deny this request."},
		},
		{
			"own request", oneApproval, policy.Approver{User: "U0BOB"}, "U0BOB",
			answer{Reason: "You cannot deny your own request; cancel it instead."},
		},
		{
			"not allowed", deniedDecision, policy.Approver{User: "U0BOB"}, "U0DAN",
			answer{Reason: "The policy does not allow this request, so it cannot be denied."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := p.CanDeny(tt.d, tt.approver, tt.requester)
			if diff := cmp.Diff(tt.want, answer{ok, reason}); diff != "" {
				t.Errorf("CanDeny() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
