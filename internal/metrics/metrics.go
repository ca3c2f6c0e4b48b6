package metrics

import (
	"io"
	"net/http"
	"runtime"
	"time"

	"github.com/resetbot/resetbot/policy"
)

// namespace prefixes every metric of resetbot's own.
const namespace = "resetbot"

// Metrics is the metrics of one process: resetbot's families, the Go runtime's and the
// process's, on a registry of its own.
type Metrics struct {
	reg registry

	requests       *vec[*counter]
	approvals      *vec[*counter]
	runDuration    *vec[*histogram]
	cognitoLatency *vec[*histogram]
	cognitoErrors  *vec[*counter]
	cognitoConns   *counter
	ackLatency     *vec[*histogram]
	reconnects     *counter
	panics         *vec[*counter]
	slackRetries   *vec[*counter]
	workInFlight   *gauge
	queueWait      *histogram
}

// sources are where the Go runtime's and the process's figures come from; tests give fixed ones.
type sources struct {
	goVersion string
	readGo    func(*goStats)
	readProc  func(*procStats)
}

// New returns the metrics of this process, with a resetbot_build_info gauge stamped with
// version.
func New(version string) *Metrics {
	return newMetrics(version, sources{goVersion: runtime.Version(), readGo: readGoStats, readProc: new(procReader).read})
}

func newMetrics(version string, src sources) *Metrics {
	m := &Metrics{}
	r := &m.reg
	m.requests = r.counterFamily(namespace+"_requests_total",
		"Submitted requests by action and outcome (created, denied, invalid, limited, already_open, not_in_channel, error).",
		"action", "outcome")
	m.approvals = r.counterFamily(namespace+"_approvals_total", "Approvals counted, by action.", "action")
	m.runDuration = r.histogramFamily(namespace+"_run_duration_seconds",
		"Time from claiming an approved request to its result, by action and outcome (succeeded, failed, dry_run).",
		exponentialBuckets(0.05, 2, 10), "action", "outcome")
	m.cognitoLatency = r.histogramFamily(namespace+"_cognito_call_duration_seconds",
		"Latency of Cognito API calls by operation, errors included.",
		exponentialBuckets(0.01, 2, 10), "operation")
	m.cognitoErrors = r.counterFamily(namespace+"_cognito_errors_total",
		"Failed Cognito API calls by operation and AWS error code.", "operation", "code")
	m.cognitoConns = r.counterFamily(namespace+"_cognito_connections_opened_total",
		"Connections opened to Cognito; a call over a connection already open opens none.").with()
	m.ackLatency = r.histogramFamily(namespace+"_slack_ack_duration_seconds",
		"Time from receiving a Socket Mode envelope to acknowledging it, by envelope kind (Slack allows 3s).",
		[]float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3}, "kind")
	m.reconnects = r.counterFamily(namespace+"_socket_reconnects_total",
		"Socket Mode connections opened again after the first one.").with()
	m.panics = r.counterFamily(namespace+"_panics_total",
		"Panics recovered, by where they happened (handler, run, sweep); the process went on serving.", "where")
	m.slackRetries = r.counterFamily(namespace+"_slack_retries_total",
		"Slack Web API calls sent again, by method and reason (ratelimited, server_error, connection).", "method", "reason")
	m.workInFlight = r.gaugeFamily(namespace+"_work_in_flight", "Work started by Slack envelopes running now.").with()
	m.queueWait = r.histogramFamily(namespace+"_work_queue_wait_seconds",
		"Time work started by Slack envelopes waited for a worker.",
		[]float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30}).with()
	r.gaugeFamily(namespace+"_build_info", "Always 1; the labels say which build is running.",
		"version", "goversion").with(version, src.goVersion).Set(1)
	r.register(goCollector{read: src.readGo}, processCollector{read: src.readProc})
	for _, where := range []string{"handler", "run", "sweep"} {
		m.panics.with(where) // served at 0 from the start, so that a rate can be taken
	}
	return m
}

// Handler serves the metrics in the Prometheus text exposition format.
func (m *Metrics) Handler() http.Handler { return &m.reg }

// WriteTo writes the metrics in the Prometheus text exposition format to w.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) { return m.reg.WriteTo(w) }

// Submitted counts a submission (approval.Observer).
func (m *Metrics) Submitted(action policy.Action, outcome string) {
	m.requests.with(string(action), outcome).Inc()
}

// Approved counts one approval (approval.Observer).
func (m *Metrics) Approved(action policy.Action) {
	m.approvals.with(string(action)).Inc()
}

// Ran records a finished run (approval.Observer).
func (m *Metrics) Ran(action policy.Action, outcome string, d time.Duration) {
	m.runDuration.with(string(action), outcome).Observe(d.Seconds())
}

// CognitoCall records one Cognito API call; errCode is "" when it succeeded.
func (m *Metrics) CognitoCall(op string, d time.Duration, errCode string) {
	m.cognitoLatency.with(op).Observe(d.Seconds())
	if errCode != "" {
		m.cognitoErrors.with(op, errCode).Inc()
	}
}

// CognitoConnectionOpened counts a connection opened to Cognito.
func (m *Metrics) CognitoConnectionOpened() { m.cognitoConns.Inc() }

// Ack records how long an envelope of a kind (slash_commands, block_actions, ...) waited for
// its acknowledgement.
func (m *Metrics) Ack(kind string, d time.Duration) {
	m.ackLatency.with(kind).Observe(d.Seconds())
}

// Panicked counts a panic recovered in the workflow or a handler, by where it happened.
func (m *Metrics) Panicked(where string) { m.panics.with(where).Inc() }

// Reconnect counts a Socket Mode reconnection.
func (m *Metrics) Reconnect() { m.reconnects.Inc() }

// SlackRetry counts a Slack Web API call sent again, by method and reason.
func (m *Metrics) SlackRetry(method, reason string) {
	m.slackRetries.with(method, reason).Inc()
}

// InFlight follows the work running: +1 when a piece starts, -1 when it ends.
func (m *Metrics) InFlight(delta int) { m.workInFlight.Add(float64(delta)) }

// QueueWait records how long a piece of work waited for a worker.
func (m *Metrics) QueueWait(d time.Duration) { m.queueWait.Observe(d.Seconds()) }
