// Package metrics serves resetbot's metrics in the Prometheus text exposition format (version
// 0.0.4) from a small registry of its own: counters, gauges and histograms with labels, the Go
// runtime's and the process's figures read at scrape time, and the hooks that feed the
// resetbot_ families: the approval workflow's Observer (requests, approvals, runs), the Cognito
// client's per-call observer (latency and errors by code) and the Slack bot's ack, reconnect,
// panic and work-pool hooks.
//
// It does not use Prometheus's Go client: that client and what it brings (protobuf, its model,
// procfs, runtime/metrics, expvar) cost the process milliseconds of package initialisation at
// every start and megabytes of binary, for a few dozen series. Recording is lock-free: a
// counter or a histogram bucket is an atomic add, and a labelled child is found in an
// immutable map read through an atomic pointer (a new set of label values copies the map,
// once). Families are written sorted by name and their series by label values, so the
// exposition is stable.
//
// To add a metric: declare it on Metrics in metrics.go, create it in newMetrics with its name,
// help, labels (and buckets), and feed it from a method named after the event it counts; add
// it to the README's table (a test holds the table to the registry) and to the golden file
// (go test ./internal/metrics -update). Keep label values to small fixed sets (actions,
// outcomes, operation names, error codes), never user input.
package metrics
