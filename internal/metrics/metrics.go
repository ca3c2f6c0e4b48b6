package metrics

import (
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/resetbot/resetbot/policy"
)

// namespace prefixes every metric.
const namespace = "resetbot"

// Metrics is the set of collectors of one process.
type Metrics struct {
	reg *prometheus.Registry

	requests       *prometheus.CounterVec
	approvals      *prometheus.CounterVec
	runDuration    *prometheus.HistogramVec
	cognitoLatency *prometheus.HistogramVec
	cognitoErrors  *prometheus.CounterVec
	ackLatency     *prometheus.HistogramVec
	reconnects     prometheus.Counter
	panics         *prometheus.CounterVec
	slackRetries   *prometheus.CounterVec
	workInFlight   prometheus.Gauge
	queueWait      prometheus.Histogram
}

// New registers every collector, the Go runtime and process collectors and a build_info
// gauge stamped with version, on a registry of its own.
func New(version string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "requests_total",
			Help:      "Submitted requests by action and outcome (created, denied, invalid, limited, already_open, not_in_channel, error).",
		}, []string{"action", "outcome"}),
		approvals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "approvals_total",
			Help:      "Approvals counted, by action.",
		}, []string{"action"}),
		runDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "run_duration_seconds",
			Help:      "Time from claiming an approved request to its result, by action and outcome (succeeded, failed, dry_run).",
			Buckets:   prometheus.ExponentialBuckets(0.05, 2, 10),
		}, []string{"action", "outcome"}),
		cognitoLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "cognito_call_duration_seconds",
			Help:      "Latency of Cognito API calls by operation, errors included.",
			Buckets:   prometheus.ExponentialBuckets(0.01, 2, 10),
		}, []string{"operation"}),
		cognitoErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "cognito_errors_total",
			Help:      "Failed Cognito API calls by operation and AWS error code.",
		}, []string{"operation", "code"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "slack_ack_duration_seconds",
			Help:      "Time from receiving a Socket Mode envelope to acknowledging it, by envelope kind (Slack allows 3s).",
			Buckets:   []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3},
		}, []string{"kind"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "socket_reconnects_total",
			Help:      "Socket Mode connections opened again after the first one.",
		}),
		panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "panics_total",
			Help:      "Panics recovered, by where they happened (handler, run, sweep); the process went on serving.",
		}, []string{"where"}),
		slackRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "slack_retries_total",
			Help:      "Slack Web API calls sent again, by method and reason (ratelimited, server_error, connection).",
		}, []string{"method", "reason"}),
		workInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace,
			Name:      "work_in_flight",
			Help:      "Work started by Slack envelopes running now.",
		}),
		queueWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "work_queue_wait_seconds",
			Help:      "Time work started by Slack envelopes waited for a worker.",
			Buckets:   []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30},
		}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace:   namespace,
		Name:        "build_info",
		Help:        "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(
		m.requests, m.approvals, m.runDuration,
		m.cognitoLatency, m.cognitoErrors,
		m.ackLatency, m.reconnects, m.panics, m.slackRetries, m.workInFlight, m.queueWait, buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	for _, where := range []string{"handler", "run", "sweep"} {
		m.panics.WithLabelValues(where) // served at 0 from the start, so that a rate can be taken
	}
	return m
}

// Registry returns the registry the collectors are on.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Submitted counts a submission (approval.Observer).
func (m *Metrics) Submitted(action policy.Action, outcome string) {
	m.requests.WithLabelValues(string(action), outcome).Inc()
}

// Approved counts one approval (approval.Observer).
func (m *Metrics) Approved(action policy.Action) {
	m.approvals.WithLabelValues(string(action)).Inc()
}

// Ran records a finished run (approval.Observer).
func (m *Metrics) Ran(action policy.Action, outcome string, d time.Duration) {
	m.runDuration.WithLabelValues(string(action), outcome).Observe(d.Seconds())
}

// CognitoCall records one Cognito API call; errCode is "" when it succeeded.
func (m *Metrics) CognitoCall(op string, d time.Duration, errCode string) {
	m.cognitoLatency.WithLabelValues(op).Observe(d.Seconds())
	if errCode != "" {
		m.cognitoErrors.WithLabelValues(op, errCode).Inc()
	}
}

// Ack records how long an envelope of a kind (slash_commands, block_actions, ...) waited for
// its acknowledgement.
func (m *Metrics) Ack(kind string, d time.Duration) {
	m.ackLatency.WithLabelValues(kind).Observe(d.Seconds())
}

// Panicked counts a panic recovered in the workflow or a handler, by where it happened.
func (m *Metrics) Panicked(where string) { m.panics.WithLabelValues(where).Inc() }

// Reconnect counts a Socket Mode reconnection.
func (m *Metrics) Reconnect() { m.reconnects.Inc() }

// SlackRetry counts a Slack Web API call sent again, by method and reason.
func (m *Metrics) SlackRetry(method, reason string) {
	m.slackRetries.WithLabelValues(method, reason).Inc()
}

// InFlight follows the work running: +1 when a piece starts, -1 when it ends.
func (m *Metrics) InFlight(delta int) { m.workInFlight.Add(float64(delta)) }

// QueueWait records how long a piece of work waited for a worker.
func (m *Metrics) QueueWait(d time.Duration) { m.queueWait.Observe(d.Seconds()) }
