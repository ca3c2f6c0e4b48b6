package policy_test

import (
	"testing"

	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// BenchmarkDecide measures one decision and one approval check on the example policy: the
// work the bot does for every request and every click.
func BenchmarkDecide(b *testing.B) {
	p, err := policyfile.Load("../deploy/policy.example.yaml")
	if err != nil {
		b.Fatal(err)
	}
	facts := policy.Facts{
		Team: "T0EXAMPLE1", Channel: "C0SUPPORT1", Requester: "U0SUPPORT1", Groups: []string{"S0SUPPORT1", "@support"},
		Pool: "prod", Action: policy.ActionReset, TargetGroups: []string{"customers"},
		Ticket: "SUP-123", Reason: "locked out", VerifiedBy: "callback",
	}
	if d := p.Decide(facts); !d.Allowed {
		b.Fatalf("the benchmark's request is refused: %s", d.Reason)
	}
	b.Run("decide", func(b *testing.B) {
		for b.Loop() {
			p.Decide(facts)
		}
	})
	d := p.Decide(facts)
	lead := policy.Approver{User: "U0LEAD0001", Groups: []string{"S0LEADS001", "@support-leads"}}
	b.Run("can-approve", func(b *testing.B) {
		for b.Loop() {
			p.CanApprove(d, lead, facts.Requester, nil)
		}
	})
}
