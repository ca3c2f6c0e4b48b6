// Package approval is resetbot's workflow: it takes a submission, asks the policy, looks the
// target user up, records the request, collects approvals, runs the Cognito action at most
// once, and tells a Notifier what happened at each step. It knows neither Slack nor AWS.
//
// The package declares the interfaces it consumes, where they are used (types.go): Store
// (store/sqlite and every other backend, held to store/storetest), Directory (the cognito
// adapter), Policy (policyfile.Holder) and Notifier (the bot). Service ties them together.
//
// A request moves through the states in the transitions table (state.go), each move a
// compare-and-swap on the request's version, so two approvers at once, a double click, a
// redelivered event or a second replica run an action at most once. A run claims the request
// with a lease; the sweeper marks a run whose lease ran out as interrupted and never re-runs it.
//
// Outcomes are told in plain words with the next step for the end user (outcome.go). A
// generated password travels as a secret.Secret, which prints as [REDACTED], and goes only to
// Notifier.DeliverSecret: it is never stored, logged, audited or put in a notice.
//
// To add an action: give it a row in policy's action table (policy.ActionSpec: its success
// text among the rest) and teach the Directory to run it; a read-only or unknown action does
// not run. To add an error code: add it to error.go and its next step to the nextSteps table.
package approval
