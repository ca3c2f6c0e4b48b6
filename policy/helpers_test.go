package policy

import (
	"strings"
	"testing"
)

// mustParse parses a policy written in a test, failing the test when it is invalid.
func mustParse(t *testing.T, yaml string) *Policy {
	t.Helper()
	p, err := Parse([]byte(strings.TrimLeft(yaml, "\n")), "policy.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// decidePolicy exercises every rule feature; the decide, approve and permitted tests use it.
const decidePolicy = `
workspace:
  teams: [T0TEAM1, T0TEAM2]
  enterprise: E0ORG1
channels:
  - id: C0PROD
    default_pool: prod
  - id: C0ANY
pools:
  prod: {id: eu-west-1_Prod1234, region: eu-west-1}
  staging: {id: us-east-1_Stag1234}
identity_checks:
  callback: Called back the number on file
  video-call: Video call
limits:
  per_requester: {max: 20, window: 24h}
  per_target: {max: 3, window: 1d}
rules:
  - name: protect-admins
    effect: deny
    actions: [reset, temp-password, permanent-password, verify-email, verify-phone, signout]
    target_groups: {any_of: [admins]}
    message: Admin accounts are reset by the security team.
  - name: no-contractors
    effect: deny
    requesters: ["@contractors"]
    message: Contractors may not use the bot.
  - name: status
    actions: [status, history]
    requesters: ["*"]
  - name: leads-reset
    pools: [prod]
    actions: [reset]
    requesters: ["@support-leads"]
    approvals: 0
  - name: support-reset
    pools: [prod]
    actions: [reset, temp-password]
    target_groups: {none_of: [service-accounts]}
    requesters: ["@support", S0SUPPORT, U0ALICE]
    approvers: ["@support-leads", U0BOB]
    approvals: 1
    expires_after: 4h
    remind_after: 30m
    require:
      ticket: true
      ticket_pattern: "SUP-[0-9]+"
      reason: true
      verified_by: [callback, video-call]
  - name: customers-verify
    actions: [verify-email]
    target_groups: {any_of: [customers]}
    requesters: ["@support"]
    approvers: [U0BOB, U0CAROL]
    approvals: 2
    self_approval: true
    require:
      ticket: true
    limits:
      per_target: {max: 1, window: 2d}
`
