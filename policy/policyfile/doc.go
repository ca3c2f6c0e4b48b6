// Package policyfile reads a policy file: it decodes the YAML, checks it, naming the file,
// line, column and field of every problem and what is expected there, and compiles it into a
// policy.Policy with policy.New. Holder keeps the policy in force and swaps it on Reload,
// keeping the old one when the new file is invalid; Lint finds what a reviewer should look at
// twice in a valid file.
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
// rule through an alias costs what one copy costs. The problems of a value shared through an
// alias are listed where it is first used in each kind of field, and once at each other alias
// (alias.go); past MaxKept errors the file is read no further.
//
// # Extending
//
// The file is read in three steps: reader (reader.go) fills the typed values of model.go from
// the syntax tree, guided by their struct tags, and reports every unknown key and every value of
// the wrong kind with its field path; the checks (check.go, rule.go) take
// those values, report what each field and each kind of rule must say, at the line and
// column recorded for the path, and build a policy.Config; Parse compiles it with policy.New.
//
// A new field: add it to its struct in model.go with its yaml tag, the words for what it holds
// (what, or item for a list) and, where they apply, the tags for its form (text, keys, unique,
// range; TestModelTags holds them to what the reader needs); then check what the tags cannot
// say where its struct is checked and, if it constrains other fields, in ruleCheck.check
// (rule.go). A new reviewer warning: add a function to lintChecks (lint.go). Every error
// message has a test case in errors_test.go.
package policyfile
