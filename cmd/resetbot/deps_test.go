package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLeavesOutPrometheusClient: the binary serves /metrics from internal/metrics, so
// neither Prometheus's Go client nor protobuf nor the runtime packages it brought (their package
// initialisation cost every start milliseconds, their code megabytes) are linked in; tests may
// still use Prometheus's parser and linter.
func TestBinaryLeavesOutPrometheusClient(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for pkg := range strings.FieldsSeq(string(out)) {
		if strings.Contains(pkg, "prometheus") || strings.Contains(pkg, "protobuf") ||
			pkg == "runtime/metrics" || pkg == "expvar" {
			t.Errorf("the binary links %s", pkg)
		}
	}
}
