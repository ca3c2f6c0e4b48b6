// Package approvaltest holds what the tests of the approval workflow and of the packages that
// read what it records share: the policy file they run under. It is for tests only; nothing
// the binary runs imports it.
//
// A test that needs a variant derives it from Policy (strings.Replace of a rule's lines), so
// that the policy the tests run under stays written once.
package approvaltest

// Policy is the policy file the workflow's tests run under. Its pools are one per way of
// approving: prod (one approval from @leads or U0LEAD001; a ticket and an identity check
// required; expires after 4 h), dual (two approvals), self (the requester may approve),
// dev (no approval) and limited (no approval, tight rate limits). Admin accounts are refused
// (protect-admins) and @support may look users up (support-read).
const Policy = `
pools:
  prod: {id: eu-west-1_Prod1, region: eu-west-1}
  dual: {id: eu-west-1_Dual1, region: eu-west-1}
  self: {id: eu-west-1_Self1, region: eu-west-1}
  dev: {id: eu-west-1_Dev1, region: eu-west-1}
  limited: {id: eu-west-1_Limited1, region: eu-west-1}
identity_checks:
  callback: Called the user back on the number on file
rules:
  - name: protect-admins
    effect: deny
    target_groups: {any_of: [admins]}
    message: Admin accounts are reset by the security team.
  - name: support-read
    actions: [status, history]
    requesters: ["@support"]
  - name: prod-support
    pools: [prod]
    actions: [reset, temp-password, verify-email, verify-phone, signout]
    requesters: ["@support"]
    approvers: ["@leads", U0LEAD001]
    approvals: 1
    expires_after: 4h
    remind_after: 30m
    require:
      ticket: true
      ticket_pattern: "SUP-[0-9]+"
      verified_by: [callback]
  - name: dual-control
    pools: [dual]
    actions: [reset, temp-password, permanent-password]
    requesters: ["@support"]
    approvers: ["@leads"]
    approvals: 2
    expires_after: 24h
  - name: self-service
    pools: [self]
    actions: [reset]
    requesters: ["@support"]
    approvers: ["@support"]
    approvals: 1
    self_approval: true
  - name: dev-any
    pools: [dev]
    actions: [reset, temp-password, permanent-password, verify-email, verify-phone, signout]
    requesters: ["*"]
    approvals: 0
  - name: limited-any
    pools: [limited]
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    limits:
      per_requester: {max: 2, window: 24h}
      per_target: {max: 1, window: 24h}
`
