// Package httpserver serves resetbot's operational endpoints: /healthz (the process is up),
// /readyz (every readiness check passes: the Slack socket is connected, the store answers)
// and /metrics (Prometheus). It knows no Slack, AWS or store type: readiness checks are
// plain functions, so adding one is adding a Check to Config.Ready.
package httpserver
