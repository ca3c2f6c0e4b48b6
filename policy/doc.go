// Package policy decides who may ask the bot for what, and who must approve it.
//
// It is pure: no Slack, no AWS, no clock. The caller resolves what it needs (the requester's
// Slack user groups, the target user's Cognito groups) and passes it in as Facts; Decide answers
// with a Decision, CanApprove answers for one approver. It knows no file format either: New
// compiles a Config, plain values, into the immutable Policy; the policyfile package reads a
// policy file into a Config, names the line of every problem, keeps the policy in force and
// swaps it on reload.
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
// A new field of the file: see the policyfile package; put what Decide needs into Rule and
// Decision (types.go). A new requirement a request must carry: add an entry to requirements
// (decide.go) and its field in Facts. A new step of deciding: add a function to decideSteps. A
// new action: add its row to specs (actions.go); the file reader, Decide and Permitted pick it
// up. Every feature has a table test.
package policy
