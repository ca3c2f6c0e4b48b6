package metrics

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"

	"github.com/resetbot/resetbot/policy"
)

// everyFamily returns the parsed families after feeding every hook once, so that every
// vector has a child to show.
func everyFamily(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	m := New("v1.2.3")
	m.Submitted(policy.ActionReset, "created")
	m.Approved(policy.ActionReset)
	m.Ran(policy.ActionReset, "succeeded", time.Second)
	m.CognitoCall("AdminResetUserPassword", time.Second, "UserNotFoundException")
	m.CognitoConnectionOpened()
	m.Ack("slash_commands", time.Millisecond)
	m.Reconnect()
	m.SlackRetry("chat.postMessage", "ratelimited")
	m.InFlight(1)
	m.QueueWait(time.Millisecond)
	m.Panicked("run")
	return parse(t, m)
}

// TestMetricsFollowPrometheusConventions lints every family the way promtool does: base units
// in the name (_seconds), _total on counters, help on every metric, no reserved suffixes.
func TestMetricsFollowPrometheusConventions(t *testing.T) {
	var fams []*dto.MetricFamily
	for _, f := range everyFamily(t) {
		fams = append(fams, f)
	}
	problems, err := promlint.NewWithMetricFamilies(fams).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestREADMEListsEveryMetric holds the README's table of metrics to the registry: the same
// resetbot_ families, with the same labels.
func TestREADMEListsEveryMetric(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	for _, m := range regexp.MustCompile("(?m)^\\s*\\| `(resetbot_[a-z_]+)(?:\\{([a-z_,]*)\\})?` \\|").FindAllStringSubmatch(string(readme), -1) {
		var labels []string
		if m[2] != "" {
			labels = strings.Split(m[2], ",")
		}
		slices.Sort(labels)
		documented[m[1]] = labels
	}
	served := map[string][]string{}
	for _, f := range everyFamily(t) {
		if !strings.HasPrefix(f.GetName(), namespace+"_") {
			continue
		}
		var labels []string
		for _, l := range f.GetMetric()[0].GetLabel() {
			labels = append(labels, l.GetName())
		}
		slices.Sort(labels)
		served[f.GetName()] = labels
	}
	if diff := cmp.Diff(documented, served); diff != "" {
		t.Errorf("README metrics vs the registry (-README +served):\n%s", diff)
	}
}
