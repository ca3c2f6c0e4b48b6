// Package metrics holds resetbot's Prometheus collectors on a registry of its own and the
// hooks that feed them: the approval workflow's Observer (requests, approvals, runs), the
// Cognito client's per-call observer (latency and errors by code) and the Slack bot's ack and
// reconnect hooks.
//
// To add a metric: declare it in metrics.go, register it in New, and feed it from a method
// named after the event it counts. Keep label values to small fixed sets (actions, outcomes,
// operation names, error codes), never user input.
package metrics
