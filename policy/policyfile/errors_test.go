package policyfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseErrors holds every error message the loader gives: each names the file, the line
// (and column), the field, and what is expected.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{
			"not UTF-8",
			"pools:\n  prod: {id: \"eu-west-1_\xff\"}\n",
			[]string{
				"p.yaml:2: the file is not UTF-8 text",
			},
		},
		{
			"syntax error",
			`
pools:
  prod: [
`,
			[]string{
				"p.yaml:2:9: invalid YAML: sequence end token ']' not found",
			},
		},
		{
			"empty file",
			"",
			[]string{
				"p.yaml:1: the file is empty; expected at least pools",
			},
		},
		{
			"only a comment",
			`
# nothing here
`,
			[]string{
				"p.yaml:1: the file is empty; expected at least pools",
			},
		},
		{
			"second document",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
---
pools: {}
`,
			[]string{
				"p.yaml:3: a second YAML document starts here; a policy file holds one",
			},
		},
		{
			"top level is a list",
			`
- pools
`,
			[]string{
				"p.yaml:1:1: expected a mapping with pools and rules, got a list",
			},
		},
		{
			"unknown top-level field and pools missing",
			`
pool:
  prod: {id: eu-west-1_Prod1234}
`,
			[]string{
				"p.yaml:1:1: pool: unknown field; expected one of: workspace, pools, channels, identity_checks, limits, rules",
				"p.yaml:1:1: pools: missing; expected at least one pool, e.g. prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}",
			},
		},
		{
			"alias to no anchor",
			`
pools: *nope
`,
			[]string{
				"p.yaml:1:8: pools: alias *nope refers to no anchor; define &nope before using it",
			},
		},
		{
			"tag",
			`
pools:
  prod: {id: !!str eu-west-1_Prod1234}
`,
			[]string{
				"p.yaml:2:14: pools.prod.id: YAML tags such as !!str are not used in a policy file; quote the value instead",
			},
		},
		{
			"alias loop",
			`
pools: &a *a
`,
			[]string{
				"p.yaml:1:11: invalid YAML: unexpected scalar value type",
			},
		},
		{
			"merge key",
			`
base: &b {region: eu-west-1}
pools:
  prod:
    <<: *b
    id: eu-west-1_Prod1234
`,
			[]string{
				"p.yaml:1:1: base: unknown field; expected one of: workspace, pools, channels, identity_checks, limits, rules",
				"p.yaml:4:5: pools.prod: merge keys (<<) are not used in a policy file; write the fields out, or share lists with &anchors and *aliases",
			},
		},
		{
			"key that is not a name",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
workspace:
  ? [a, b]
  : 1
`,
			[]string{
				"p.yaml:5:3: invalid YAML: found an invalid key for this map",
			},
		},
		{
			"workspace: bad ids",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
workspace:
  teams: [general, T0OK]
  enterprise: acme
`,
			[]string{
				"p.yaml:4:11: workspace.teams[0]: expected a Slack team id like T0123ABCD, got \"general\"",
				"p.yaml:5:15: workspace.enterprise: expected a Slack enterprise id like E0123ABCD, got \"acme\"",
			},
		},
		{
			"workspace: empty",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
workspace: {}
`,
			[]string{
				"p.yaml:3:12: workspace: expected teams (Slack team ids) or enterprise (a Slack enterprise id); leave workspace out to allow any workspace the app is installed in",
			},
		},
		{
			"workspace: teams not a list",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
workspace: {teams: T0ONE}
`,
			[]string{
				"p.yaml:3:20: workspace.teams: expected a list of Slack team ids like T0123ABCD, got \"T0ONE\"",
			},
		},
		{
			"pools: empty",
			`
pools: {}
`,
			[]string{
				"p.yaml:1:8: pools: expected at least one pool, e.g. prod: {id: eu-west-1_AbCdEf123, region: eu-west-1}",
			},
		},
		{
			"pools: a list",
			`
pools: [prod]
`,
			[]string{
				"p.yaml:1:8: pools: expected a mapping of pool names to {id, region}, got a list",
			},
		},
		{
			"pool: bad name",
			`
pools:
  Prod Pool: {id: eu-west-1_Prod1234}
`,
			[]string{
				"p.yaml:2:3: pools.Prod Pool: a pool name is a short name in lower case: letters, digits, - and _; got \"Prod Pool\"",
			},
		},
		{
			"pool: bad id and region",
			`
pools:
  prod: {id: prod-pool, region: Europe}
`,
			[]string{
				"p.yaml:2:14: pools.prod.id: expected a user pool id like eu-west-1_AbCdEf123, got \"prod-pool\"",
				"p.yaml:2:33: pools.prod.region: expected an AWS region like eu-west-1, got \"Europe\"",
			},
		},
		{
			"pool: id missing",
			`
pools:
  prod: {region: eu-west-1}
`,
			[]string{
				"p.yaml:2:3: pools.prod.id: missing; expected the user pool id, like eu-west-1_AbCdEf123",
			},
		},
		{
			"pool: id a number",
			`
pools:
  prod: {id: 12345}
`,
			[]string{
				"p.yaml:2:14: pools.prod.id: expected a user pool id like eu-west-1_AbCdEf123, got the number 12345",
			},
		},
		{
			"pool: region differs from the id's",
			`
pools:
  prod: {id: eu-west-1_Prod1234, region: us-east-1}
`,
			[]string{
				"p.yaml:2:14: pools.prod.id: the pool id is in region eu-west-1 but region says us-east-1",
			},
		},
		{
			"pool: unknown field",
			`
pools:
  prod: {id: eu-west-1_Prod1234, arn: x}
`,
			[]string{
				"p.yaml:2:34: pools.prod.arn: unknown field; expected one of: id, region",
			},
		},
		{
			"channels: empty",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
channels: []
`,
			[]string{
				"p.yaml:3:11: channels: expected at least one channel; leave channels out to take requests in any channel",
			},
		},
		{
			"channels: bad id, unknown pool, missing id, twice",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
channels:
  - id: general
  - {id: C0ONE, default_pool: qa}
  - default_pool: prod
  - id: C0TWO
  - id: C0TWO
`,
			[]string{
				"p.yaml:4:9: channels[0].id: expected a Slack channel id like C0123ABCD (not its #name), got \"general\"",
				"p.yaml:5:31: channels[1].default_pool: unknown pool \"qa\"; expected one of the pools: prod",
				"p.yaml:6:5: channels[2].id: missing; expected a Slack channel id like C0123ABCD",
				"p.yaml:8:9: channels[4].id: channel C0TWO is already listed on line 7",
			},
		},
		{
			"identity checks: bad name, empty description, a list",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
identity_checks:
  Call Back: x
  callback: "  "
  video: [a]
`,
			[]string{
				"p.yaml:4:3: identity_checks.Call Back: an identity check name is a short name in lower case: letters, digits, - and _; got \"Call Back\"",
				"p.yaml:5:13: identity_checks.callback: expected a description in plain words, e.g. Called back the number on file",
				"p.yaml:6:10: identity_checks.video: expected a description in plain words, e.g. Called back the number on file, got a list",
			},
		},
		{
			"limits: max and window wrong or missing",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
limits:
  per_requester: {max: 0, window: forever}
  per_target: {max: 3}
  per_day: 1
`,
			[]string{
				"p.yaml:4:24: limits.per_requester.max: expected a whole number from 1 to 10000, got 0",
				"p.yaml:4:35: limits.per_requester.window: expected a duration such as 30m, 4h or 2d, more than zero and at most 30d, got \"forever\"",
				"p.yaml:5:15: limits.per_target.window: missing; a limit says both max and window, e.g. {max: 10, window: 24h}",
				"p.yaml:6:3: limits.per_day: unknown field; expected one of: per_requester, per_target, per_requester_lookups",
			},
		},
		{
			"limits: max not a number, window a number",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
limits:
  per_requester: {max: ten, window: 24}
  per_target: {max: 99999999999999999999, window: 31d}
`,
			[]string{
				"p.yaml:4:24: limits.per_requester.max: expected a whole number from 1 to 10000, got \"ten\"",
				"p.yaml:4:37: limits.per_requester.window: expected a duration such as 30m, 4h or 2d, got the number 24",
				"p.yaml:5:21: limits.per_target.max: expected a whole number from 1 to 10000, got \"99999999999999999999\"",
				"p.yaml:5:51: limits.per_target.window: expected a duration such as 30m, 4h or 2d, more than zero and at most 30d, got \"31d\"",
			},
		},
		{
			"rules: not a list",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules: {name: x}
`,
			[]string{
				"p.yaml:3:8: rules: expected a list of rules, got a mapping",
			},
		},
		{
			"rule: not a mapping",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - support-reset
`,
			[]string{
				"p.yaml:4:5: rules[0]: expected a rule: a mapping with name, actions, requesters, approvers, ..., got \"support-reset\"",
			},
		},
		{
			"rule: name missing, bad, duplicate",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - actions: [status]
    requesters: ["*"]
  - name: has space
    actions: [status]
    requesters: ["*"]
  - name: a
    actions: [status]
    requesters: ["*"]
  - name: a
    actions: [history]
    requesters: ["*"]
`,
			[]string{
				"p.yaml:4:5: rules[0].name: missing; every rule has a name, shown in decisions and the audit log",
				"p.yaml:6:11: rules[1].name: expected a rule name of letters, digits, ., - and _ (up to 64), got \"has space\"",
				"p.yaml:12:11: rules[3].name: rule name \"a\" is already used by the rule on line 9; names are unique",
			},
		},
		{
			"rule: bad effect",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    effect: maybe
`,
			[]string{
				"p.yaml:5:13: rules[0].effect: expected allow or deny, got \"maybe\"",
			},
		},
		{
			"deny rule: message missing, allow-only fields",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    effect: deny
    approvers: [U0BOB]
    approvals: 1
    self_approval: true
    expires_after: 1h
    remind_after: 1m
    require: {reason: true}
    limits: {}
`,
			[]string{
				"p.yaml:5:5: rules[0].message: missing; a deny rule says why, in words shown to the requester",
				"p.yaml:6:5: rules[0].approvers: has no meaning on a deny rule; a deny rule says only what it matches and its message",
				"p.yaml:7:5: rules[0].approvals: has no meaning on a deny rule; a deny rule says only what it matches and its message",
				"p.yaml:8:5: rules[0].self_approval: has no meaning on a deny rule; a deny rule says only what it matches and its message",
				"p.yaml:9:5: rules[0].expires_after: has no meaning on a deny rule; a deny rule says only what it matches and its message",
				"p.yaml:10:5: rules[0].remind_after: has no meaning on a deny rule; a deny rule says only what it matches and its message",
				"p.yaml:11:5: rules[0].require: has no meaning on a deny rule; a deny rule says only what it matches and its message",
				"p.yaml:12:5: rules[0].limits: has no meaning on a deny rule; a deny rule says only what it matches and its message",
			},
		},
		{
			"deny rule: empty message and empty lists",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    effect: deny
    message: " "
    pools: []
    actions: []
    requesters: []
`,
			[]string{
				"p.yaml:6:14: rules[0].message: expected a message shown to the requester, e.g. Admin accounts are reset by the security team",
				"p.yaml:7:5: rules[0].pools: expected at least one; leave pools out to match every one",
				"p.yaml:8:5: rules[0].actions: expected at least one; leave actions out to match every one",
				"p.yaml:9:5: rules[0].requesters: expected at least one; leave requesters out to deny everyone",
			},
		},
		{
			"allow rule: message, actions and requesters missing",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    message: hello
`,
			[]string{
				"p.yaml:4:5: rules[0].actions: missing; an allow rule names the actions it allows, e.g. [reset]",
				"p.yaml:4:5: rules[0].requesters: missing; an allow rule names who may request: a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle, or \"*\" for anyone",
				"p.yaml:5:5: rules[0].message: is shown by deny rules only; use description to explain an allow rule",
			},
		},
		{
			"allow rule: unknown and repeated pools, actions, people",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    pools: [prod, qa, prod]
    actions: [reset, rest, reset]
    requesters: [bob, "@Support", "@support", U0BOB, U0BOB]
    approvers: ["*", S0LEADS]
    approvals: 1
`,
			[]string{
				"p.yaml:5:19: rules[0].pools[1]: unknown pool \"qa\"; expected one of the pools: prod",
				"p.yaml:5:23: rules[0].pools[2]: \"prod\" is listed twice",
				"p.yaml:6:22: rules[0].actions[1]: unknown action \"rest\"; expected one of: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout",
				"p.yaml:6:28: rules[0].actions[2]: \"reset\" is listed twice",
				"p.yaml:7:18: rules[0].requesters[0]: expected a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle, or \"*\" for anyone, got \"bob\"",
				"p.yaml:7:35: rules[0].requesters[2]: \"@support\" is listed twice",
				"p.yaml:7:54: rules[0].requesters[4]: \"U0BOB\" is listed twice",
				"p.yaml:8:17: rules[0].approvers[0]: \"*\" (anyone) is for requesters; approvers are named: a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle",
			},
		},
		{
			"allow rule: approvals missing for a change",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [status, reset]
    requesters: ["*"]
`,
			[]string{
				"p.yaml:4:5: rules[0].approvals: missing; say how many approvals a request needs (0 runs it at once, without approval)",
			},
		},
		{
			"allow rule: approvals on read-only actions",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [status]
    requesters: ["*"]
    approvals: 1
    approvers: [U0BOB]
`,
			[]string{
				"p.yaml:7:5: rules[0].approvals: status and history are answered at once and never need approval; leave approvals out",
			},
		},
		{
			"allow rule: approval fields with approvals 0",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    approvers: [U0BOB]
    self_approval: false
    expires_after: 1h
    remind_after: 5m
`,
			[]string{
				"p.yaml:8:5: rules[0].approvers: has no meaning when approvals is 0: the request runs at once",
				"p.yaml:9:5: rules[0].self_approval: has no meaning when approvals is 0: the request runs at once",
				"p.yaml:10:5: rules[0].expires_after: has no meaning when approvals is 0: the request runs at once",
				"p.yaml:11:5: rules[0].remind_after: has no meaning when approvals is 0: the request runs at once",
			},
		},
		{
			"allow rule: approvers missing",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 1
`,
			[]string{
				"p.yaml:4:5: rules[0].approvers: missing; a rule with approvals names who may approve: a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle",
			},
		},
		{
			"allow rule: fewer approvers than approvals",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 3
    approvers: [U0BOB, U0CAROL]
`,
			[]string{
				"p.yaml:7:5: rules[0].approvals: needs 3 approvals but approvers names only 2 people, so no request could ever be approved",
			},
		},
		{
			"allow rule: one approver for two approvals",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 2
    approvers: [U0BOB]
`,
			[]string{
				"p.yaml:7:5: rules[0].approvals: needs 2 approvals but approvers names only 1 person, so no request could ever be approved",
			},
		},
		{
			"allow rule: approvals out of range, bad types",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 11
    approvers: [U0BOB]
    self_approval: yes
    expires_after: 2 hours
    remind_after: 0s
`,
			[]string{
				"p.yaml:7:16: rules[0].approvals: expected a whole number from 0 to 10, got 11",
				"p.yaml:9:20: rules[0].self_approval: expected true or false, got \"yes\"",
				"p.yaml:10:20: rules[0].expires_after: expected a duration such as 30m, 4h or 2d, more than zero and at most 30d, got \"2 hours\"",
				"p.yaml:11:19: rules[0].remind_after: expected a duration such as 30m, 4h or 2d, more than zero and at most 30d, got \"0s\"",
			},
		},
		{
			"allow rule: reminder not before expiry",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 1
    approvers: ["@leads"]
    expires_after: 1h
    remind_after: 1h
`,
			[]string{
				"p.yaml:10:5: rules[0].remind_after: is 1h, not before expires_after (1h); a reminder comes while the request still waits",
			},
		},
		{
			"allow rule: reminder not before the default expiry",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 1
    approvers: ["@leads"]
    remind_after: 2d
`,
			[]string{
				"p.yaml:9:5: rules[0].remind_after: is 2d, not before expires_after (1d); a reminder comes while the request still waits",
			},
		},
		{
			"target groups: empty, bad, in both",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    effect: deny
    message: no
    target_groups: {}
  - name: b
    effect: deny
    message: no
    target_groups: {any_of: ["has space"]}
  - name: c
    effect: deny
    message: no
    target_groups: {any_of: [admins], none_of: [staff, admins]}
  - name: d
    effect: deny
    message: no
    target_groups: [admins]
`,
			[]string{
				"p.yaml:7:20: rules[0].target_groups: expected any_of and/or none_of with at least one Cognito group; leave target_groups out to match every user",
				"p.yaml:11:30: rules[1].target_groups.any_of[0]: expected a Cognito group name, got \"has space\"",
				"p.yaml:15:39: rules[2].target_groups.none_of: group \"admins\" is in both any_of and none_of, so the rule can never match",
				"p.yaml:19:20: rules[3].target_groups: expected a mapping with any_of and/or none_of (lists of Cognito groups), got a list",
			},
		},
		{
			"require: bad pattern, pattern without ticket, unknown check",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
identity_checks: {callback: Called back}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    require:
      ticket_pattern: "SUP-("
      verified_by: [callback, email, callback]
  - name: b
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    require: {ticket: false, ticket_pattern: "SUP-[0-9]+"}
  - name: c
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    require: {ticket_pattern: "", verified_by: [], reason: 1}
`,
			[]string{
				"p.yaml:10:23: rules[0].require.ticket_pattern: expected a regular expression, e.g. SUP-[0-9]+: error parsing regexp: missing closing ): `SUP-(`",
				"p.yaml:11:31: rules[0].require.verified_by[1]: unknown identity check \"email\"; expected one named under identity_checks: callback",
				"p.yaml:11:38: rules[0].require.verified_by[2]: \"callback\" is listed twice",
				"p.yaml:16:46: rules[1].require.ticket_pattern: is set but ticket is not true; add ticket: true so that a ticket is required",
				"p.yaml:21:31: rules[2].require.ticket_pattern: expected a regular expression, e.g. SUP-[0-9]+: got an empty pattern",
				"p.yaml:21:48: rules[2].require.verified_by: expected at least one identity check; leave verified_by out when none is required",
				"p.yaml:21:60: rules[2].require.reason: expected true or false, got the number 1",
			},
		},
		{
			"require: checks named when none are defined",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    require: {verified_by: [callback]}
`,
			[]string{
				"p.yaml:8:29: rules[0].require.verified_by[0]: unknown identity check \"callback\"; expected one named under identity_checks: (the file names none)",
			},
		},
		{
			"rule limits",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    limits: {per_target: {window: 1h}}
`,
			[]string{
				"p.yaml:8:26: rules[0].limits.per_target.max: missing; a limit says both max and window, e.g. {max: 10, window: 24h}",
			},
		},
		{
			"long values are clipped",
			`
pools:
  prod: {id: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}
`,
			[]string{
				"p.yaml:2:14: pools.prod.id: expected a user pool id like eu-west-1_AbCdEf123, got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u2026\"",
			},
		},
		{
			"values of the wrong kind",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: true
    description: |
      A block of text is fine here.
    actions: reset
    requesters: [{user: U0BOB}]
    approvals: 1.5
    approvers: [~]
    self_approval: |
      yes
`,
			[]string{
				"p.yaml:4:11: rules[0].name: expected a rule name, got true",
				`p.yaml:7:14: rules[0].actions: expected a list of actions, got "reset"`,
				"p.yaml:8:18: rules[0].requesters[0]: expected people: user ids, user-group ids or @handles, got a mapping",
				"p.yaml:9:16: rules[0].approvals: expected a whole number from 0 to 10, got the number 1.5",
				"p.yaml:10:17: rules[0].approvers[0]: expected people: user ids, user-group ids or @handles, got nothing",
				"p.yaml:11:20: rules[0].self_approval: expected true or false, got a block of text",
			},
		},
		{
			"every unknown field, in the order of the file",
			`
pools:
  prod: {id: eu-west-1_Prod1234, zone: a, arn: x}
rules:
  - name: a
    efect: deny
    actions: [reset]
    requesters: ["*"]
    approvals: 0
    aprovers: [U0BOB]
`,
			[]string{
				"p.yaml:2:34: pools.prod.zone: unknown field; expected one of: id, region",
				"p.yaml:2:43: pools.prod.arn: unknown field; expected one of: id, region",
				"p.yaml:5:5: rules[0].efect: unknown field; expected one of: name, description, effect, message, pools, actions, target_groups, requesters, approvers, approvals, self_approval, expires_after, remind_after, require, limits",
				"p.yaml:9:5: rules[0].aprovers: unknown field; expected one of: name, description, effect, message, pools, actions, target_groups, requesters, approvers, approvals, self_approval, expires_after, remind_after, require, limits",
			},
		},
		{
			"a refused key leaves the rest of its mapping checked",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
base: &b {approvals: 0}
rules:
  - name: a
    <<: *b
    actions: [reset, qa, qa]
`,
			[]string{
				"p.yaml:3:1: base: unknown field; expected one of: workspace, pools, channels, identity_checks, limits, rules",
				"p.yaml:5:5: rules[0].requesters: missing; an allow rule names who may request: a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle, or \"*\" for anyone",
				"p.yaml:6:5: rules[0]: merge keys (<<) are not used in a policy file; write the fields out, or share lists with &anchors and *aliases",
				"p.yaml:7:22: rules[0].actions[1]: unknown action \"qa\"; expected one of: status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout",
				"p.yaml:7:26: rules[0].actions[2]: \"qa\" is listed twice",
			},
		},
		{
			"keys that are numbers or booleans are names",
			`
pools:
  prod: {id: eu-west-1_Prod1234}
identity_checks:
  1: x
  true: y
limits:
  7: 1
`,
			[]string{
				"p.yaml:7:3: limits.7: unknown field; expected one of: per_requester, per_target, per_requester_lookups",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.TrimPrefix(tt.yaml, "\n")), "p.yaml")
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse() error = %v, want an ErrorList", err)
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() errors mismatch (-want +got):\n%s", diff)
			}
			for _, e := range list {
				if e.File != "p.yaml" || e.Line < 1 {
					t.Errorf("error %q does not name the file and a line", e)
				}
			}
		})
	}
}
