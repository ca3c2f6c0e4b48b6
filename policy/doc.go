// Package policy decides who may ask the bot for what, and who must approve it.
//
// It is pure: no Slack, no AWS, no clock. The caller resolves what it needs (the requester's
// Slack user groups, the target user's Cognito groups) and passes it in as Facts; Decide answers
// with a Decision, CanApprove answers for one approver. A Holder keeps the policy in force and
// swaps it on Reload, keeping the old one when the new file is invalid.
//
// # The file
//
// A policy file is YAML with exactly these fields; any other field is an error, and every
// error names the file, the line, the field and what is expected there.
//
//	workspace:                  # optional; left out, any workspace the app is installed in
//	  teams: [T0123ABCD]        # Slack team ids whose people may use the bot
//	  enterprise: E0123ABCD     # or every workspace of this Enterprise Grid org
//	channels:                   # optional allow-list; left out, any channel
//	  - id: C0123ABCD
//	    default_pool: prod      # used when a request names no pool
//	pools:                      # required: name → user pool
//	  prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}   # region defaults to the id's
//	identity_checks:            # ways of verifying the end user, named by rules
//	  callback: Called the user back on the number on file
//	limits:                     # for every rule that changes a user, unless it sets its own
//	  per_requester: {max: 20, window: 24h}
//	  per_target: {max: 3, window: 24h}
//	  per_requester_lookups: {max: 60, window: 1h}   # status and history; this is the default
//	rules:                      # tried in order; the first that matches decides
//	  - name: protect-admins    # required, unique; shown in decisions and the audit log
//	    effect: deny            # allow (the default) or deny
//	    target_groups: {any_of: [admins]}
//	    message: Admin accounts are reset by the security team.
//	  - name: support-reset
//	    description: Support asks, a lead approves.
//	    pools: [prod]           # left out: every pool
//	    actions: [reset, temp-password]   # required on allow rules; deny rules: every action
//	    target_groups: {none_of: [service-accounts]}
//	    requesters: ["@support"]          # user ids (U…, W…), user-group ids (S…), @handles, "*"
//	    approvers: ["@support-leads", U0123ABCD]
//	    approvals: 1            # required when the rule allows a change; 0 runs at once
//	    self_approval: false    # the requester may approve their own request (counted once)
//	    expires_after: 4h       # default 24h; durations like 30m, 4h, 2d (at most 30d)
//	    remind_after: 30m       # before expires_after; left out, no reminder
//	    require:
//	      ticket: true
//	      ticket_pattern: "SUP-[0-9]+"    # the whole ticket must match
//	      reason: true
//	      verified_by: [callback]         # names from identity_checks; one is required
//	    limits: {per_requester: {max: 5, window: 24h}}
//
// deploy/policy.example.yaml shows every feature with comments.
//
// A file is refused before it can cost much: over MaxFileSize bytes, nested deeper than
// MaxDepth (checked on the tokens, before the parser, whose memory grows with the square of the
// depth), or with more than MaxItems entries in one list or mapping, aliases counted at each
// use. The never-reached check interns each distinct list once, so a long list shared by every
// rule through an alias costs what one copy costs.
//
// # Deciding
//
// Decide checks, in order: the action is known; the workspace and the channel are allowed; the
// pool is known (a request that names none gets its channel's default pool, or the only pool;
// with several pools and no default it is denied with the pools to choose from); then the rules.
// A rule matches when the pool, the action, the target's Cognito groups and the requester all
// match what it lists. The first matching rule decides: a deny rule denies with its message; an
// allow rule allows, with its approvals, approvers, expiry and limits, provided the request
// carries what the rule requires (else Decision.Missing says what is lacking). When no rule
// matches, the request is denied.
//
// Read-only actions (status, history) never need approval and are not counted by per_requester
// or per_target; each person's lookups have their own limit, per_requester_lookups (by default
// DefaultLookupsMax per DefaultLookupsWindow), returned in Decision.Limits.
//
// Safe defaults: a file with pools and no rules allows status and nothing else (the built-in
// rule "default", anyone who may use the bot). Allow rules must name their actions, their
// requesters and, when they allow a change, their approvals. Deny rules must give a message.
//
// Target groups: Facts.TargetGroups nil reads as "in no group". A decision that weighed a
// target_groups condition has DependsOnTarget set; one made before the target user was looked up
// must be made again with the user's groups. Permitted, for help and menus, answers without a
// target: an action counts when some target could be allowed.
//
// Approvers: CanApprove counts each person once, counts the requester only when the rule allows
// self-approval, and refuses once the approvals needed are reached. Rate limits are returned in
// Decision.Limits; the workflow counts requests in its store.
//
// # Extending
//
// A new top-level field: add it to the table in decoder.policy (schema.go) with its reader. A
// new rule field: add it to ruleReader.fields and, if it constrains other fields, to
// ruleReader.check (rule_decode.go); put what Decide needs into Rule and Decision (types.go).
// A new requirement a request must carry: add an entry to requirements (decide.go) and its
// field in Facts. A new step of deciding: add a function to decideSteps. A new reviewer warning:
// add a function to lintChecks (lint.go). A new action: add it to Actions in types.go; the file
// reader, Decide and Permitted pick it up. Every feature has a table test, every error message
// a test case in errors_test.go.
package policy
