// Package loadtest drives a resetbot process the way a busy workspace would, to measure it:
// it builds and starts the bot binary against the fake Slack (internal/slacktest) and the fake
// Cognito (cognito/cognitotest), both in this process on 127.0.0.1, sends envelopes open loop
// (at a set rate, not one after another's answer), injects Cognito latency and Slack's rate
// limits, and reports ack latency, what was lost, and the bot process's memory and CPU.
//
// cmd/loadgen is its command line. Every loop is bounded in count and in time. A scenario is a
// function of *World returning a Report; to add one, write it beside the others and name it in
// Scenarios.
package loadtest
