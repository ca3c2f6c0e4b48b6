package metrics

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/resetbot/resetbot/policy"
)

// parse reads m's exposition with Prometheus's own text parser, which fails on anything the
// format does not allow.
func parse(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(&b)
	if err != nil {
		t.Fatalf("Prometheus's parser refuses the exposition: %v\n%s", err, b.String())
	}
	return fams
}

// samples flattens the registry's resetbot_ metrics into "name{k=v,...}" → value, where a
// histogram contributes its count and sum.
func samples(t *testing.T, m *Metrics) map[string]float64 {
	t.Helper()
	fams := parse(t, m)
	out := map[string]float64{}
	for _, f := range fams {
		if !strings.HasPrefix(f.GetName(), namespace+"_") || f.GetName() == namespace+"_build_info" {
			continue
		}
		for _, s := range f.GetMetric() {
			key := f.GetName() + labels(s.GetLabel())
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				out[key] = s.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[key] = s.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[key+":count"] = float64(s.GetHistogram().GetSampleCount())
				out[key+":sum"] = s.GetHistogram().GetSampleSum()
			default:
				// Gauges are read where they are tested.
			}
		}
	}
	return out
}

func labels(ls []*dto.LabelPair) string {
	if len(ls) == 0 {
		return ""
	}
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		parts = append(parts, l.GetName()+"="+l.GetValue())
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

func TestEventsReachTheirCollectors(t *testing.T) {
	want := map[string]float64{
		"resetbot_panics_total{where=handler}":                                                           0,
		"resetbot_panics_total{where=run}":                                                               0,
		"resetbot_panics_total{where=sweep}":                                                             1,
		"resetbot_requests_total{action=reset,outcome=created}":                                          2,
		"resetbot_requests_total{action=temp-password,outcome=denied}":                                   1,
		"resetbot_approvals_total{action=reset}":                                                         1,
		"resetbot_run_duration_seconds{action=reset,outcome=succeeded}:count":                            1,
		"resetbot_run_duration_seconds{action=reset,outcome=succeeded}:sum":                              1.5,
		"resetbot_run_duration_seconds{action=reset,outcome=failed}:count":                               1,
		"resetbot_run_duration_seconds{action=reset,outcome=failed}:sum":                                 30,
		"resetbot_cognito_call_duration_seconds{operation=AdminResetUserPassword}:count":                 2,
		"resetbot_cognito_call_duration_seconds{operation=AdminResetUserPassword}:sum":                   0.27,
		"resetbot_cognito_call_duration_seconds{operation=ListUsers}:count":                              1,
		"resetbot_cognito_call_duration_seconds{operation=ListUsers}:sum":                                0.04,
		"resetbot_cognito_errors_total{code=InvalidParameterException,operation=AdminResetUserPassword}": 1,
		"resetbot_cognito_connections_opened_total":                                                      1,
		"resetbot_slack_ack_duration_seconds{kind=slash_commands}:count":                                 1,
		"resetbot_slack_ack_duration_seconds{kind=slash_commands}:sum":                                   0.0007,
		"resetbot_slack_ack_duration_seconds{kind=block_actions}:count":                                  1,
		"resetbot_slack_ack_duration_seconds{kind=block_actions}:sum":                                    0.005,
		"resetbot_slack_ack_duration_seconds{kind=interactive}:count":                                    1,
		"resetbot_slack_ack_duration_seconds{kind=interactive}:sum":                                      4,
		"resetbot_socket_reconnects_total":                                                               1,
		"resetbot_work_in_flight":                                                                        2,
		"resetbot_work_queue_wait_seconds:count":                                                         1,
		"resetbot_work_queue_wait_seconds:sum":                                                           0.002,
		"resetbot_slack_retries_total{method=chat.postMessage,reason=ratelimited}":                       1,
		"resetbot_slack_retries_total{method=chat.update,reason=server_error}":                           1,
	}
	if diff := cmp.Diff(samples(t, fed()), want); diff != "" {
		t.Errorf("metrics (-got +want):\n%s", diff)
	}
}

func TestHandlerServesExpositionFormat(t *testing.T) {
	m := New("v1.2.3")
	m.Submitted(policy.ActionReset, "created")
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got, want := resp.Header.Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8"; got != want {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	for _, line := range []string{
		`resetbot_requests_total{action="reset",outcome="created"} 1`,
		`resetbot_build_info{goversion="`,
		`version="v1.2.3"} 1`,
		"# TYPE resetbot_socket_reconnects_total counter",
		"go_goroutines ",
	} {
		if !strings.Contains(string(body), line) {
			t.Errorf("exposition lacks %q", line)
		}
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := New("a"), New("b")
	a.Reconnect()
	if got := samples(t, b)["resetbot_socket_reconnects_total"]; got != 0 {
		t.Errorf("second registry counted %v reconnects, want 0", got)
	}
}
