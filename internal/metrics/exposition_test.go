package metrics

import (
	"bytes"
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/golden"
	"github.com/resetbot/resetbot/policy"
)

// fixedSources are a Go runtime and a process that always say the same.
func fixedSources() sources {
	return sources{
		goVersion: "go1.99.0",
		readGo: func(s *goStats) {
			*s = goStats{version: "go1.99.0", goroutines: 12, threads: 7, maxProcs: 2, memLimit: 128 << 20}
			s.mem = runtime.MemStats{
				Alloc: 4 << 20, TotalAlloc: 90 << 20, Sys: 20 << 20, Mallocs: 123456, Frees: 120000,
				HeapAlloc: 4 << 20, HeapSys: 12 << 20, HeapIdle: 7 << 20, HeapInuse: 5 << 20,
				HeapReleased: 6 << 20, HeapObjects: 3456, StackInuse: 512 << 10, StackSys: 512 << 10,
				MSpanInuse: 80000, MSpanSys: 98000, MCacheInuse: 4800, MCacheSys: 15600,
				BuckHashSys: 1444537, GCSys: 3 << 20, OtherSys: 900000, NextGC: 8 << 20,
				LastGC: 1796550000500000000,
			}
			s.gc = debug.GCStats{NumGC: 42, PauseTotal: 21 * time.Millisecond, PauseQuantiles: []time.Duration{
				50 * time.Microsecond, 120 * time.Microsecond, 300 * time.Microsecond, 700 * time.Microsecond, 2 * time.Millisecond,
			}}
		},
		readProc: func(s *procStats) {
			*s = procStats{
				cpuSeconds: 12.34, startTime: 1796550000.5, statOK: true,
				resident: 23 << 20, virtual: 1300 << 20, statmOK: true,
				openFDs: 14, fdOK: true, maxFDs: 1048576, limitsOK: true,
			}
		},
	}
}

// fed returns metrics with fixed sources after feeding every hook.
func fed() *Metrics {
	m := newMetrics("v1.2.3", fixedSources())
	m.Submitted(policy.ActionReset, "created")
	m.Submitted(policy.ActionReset, "created")
	m.Submitted(policy.ActionTempPassword, "denied")
	m.Approved(policy.ActionReset)
	m.Ran(policy.ActionReset, "succeeded", 1500*time.Millisecond)
	m.Ran(policy.ActionReset, "failed", 30*time.Second)
	m.CognitoCall("ListUsers", 40*time.Millisecond, "")
	m.CognitoCall("AdminResetUserPassword", 250*time.Millisecond, "")
	m.CognitoCall("AdminResetUserPassword", 20*time.Millisecond, "InvalidParameterException")
	m.CognitoConnectionOpened()
	m.Ack("slash_commands", 700*time.Microsecond)
	m.Ack("block_actions", 5*time.Millisecond)
	m.Ack("interactive", 4*time.Second)
	m.Reconnect()
	m.InFlight(3)
	m.InFlight(-1)
	m.QueueWait(2 * time.Millisecond)
	m.SlackRetry("chat.postMessage", "ratelimited")
	m.SlackRetry("chat.update", "server_error")
	m.Panicked("sweep")
	return m
}

// TestExpositionGolden holds the whole exposition, for fixed inputs, to testdata: the order of
// families and series, HELP and TYPE lines, cumulative buckets, and the Go and process families.
func TestExpositionGolden(t *testing.T) {
	var b bytes.Buffer
	if _, err := fed().WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "exposition.golden.txt"), b.Bytes())
}

// TestExpositionIsStable: two scrapes of the same figures are the same bytes, whatever order
// the label sets were first seen in.
func TestExpositionIsStable(t *testing.T) {
	a, b := newMetrics("v", fixedSources()), newMetrics("v", fixedSources())
	for _, op := range []string{"b", "c", "a", "d"} {
		a.CognitoCall(op, time.Second, "E")
	}
	for _, op := range []string{"d", "a", "c", "b"} {
		b.CognitoCall(op, time.Second, "E")
	}
	var x, y bytes.Buffer
	a.WriteTo(&x)
	b.WriteTo(&y)
	if diff := cmp.Diff(x.String(), y.String()); diff != "" {
		t.Errorf("exposition depends on the order label sets were seen (-first +second):\n%s", diff)
	}
}

func TestLabelValuesAreEscaped(t *testing.T) {
	tests := []struct {
		name, value, line string
	}{
		{"backslash", `a\b`, `resetbot_slack_retries_total{method="a\\b",reason="r"} 1`},
		{"double quote", `say "hi"`, `resetbot_slack_retries_total{method="say \"hi\"",reason="r"} 1`},
		{"newline", "two\nlines", `resetbot_slack_retries_total{method="two\nlines",reason="r"} 1`},
		{"all three", "\\\"\n", `resetbot_slack_retries_total{method="\\\"\n",reason="r"} 1`},
		{"invalid UTF-8", "a\xffb", "resetbot_slack_retries_total{method=\"a\uFFFDb\",reason=\"r\"} 1"},
		{"unicode", "grüße", `resetbot_slack_retries_total{method="grüße",reason="r"} 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMetrics("v", fixedSources())
			m.SlackRetry(tt.value, "r")
			var b bytes.Buffer
			m.WriteTo(&b)
			if !strings.Contains(b.String(), "\n"+tt.line+"\n") {
				t.Errorf("exposition lacks %s", tt.line)
			}
			// Prometheus's parser reads the value back as it was given (made valid UTF-8).
			got := samples(t, m)
			want := "resetbot_slack_retries_total{method=" + strings.ToValidUTF8(tt.value, "\uFFFD") + ",reason=r}"
			if got[want] != 1 {
				t.Errorf("parsed back: %v, want %q", got, want)
			}
		})
	}
}

func TestHelpIsEscaped(t *testing.T) {
	var r registry
	r.counterFamily("x_total", "a \\ and a\nnewline \"quoted\"").with().Inc()
	want := "# HELP x_total a \\\\ and a\\nnewline \"quoted\"\n# TYPE x_total counter\nx_total 1\n"
	if diff := cmp.Diff(string(r.exposition()), want); diff != "" {
		t.Errorf("exposition (-got +want):\n%s", diff)
	}
}

// TestHistogramBucketEdges: a value equal to a bound counts in that bound's bucket; one above
// every bound only in +Inf; buckets are cumulative.
func TestHistogramBucketEdges(t *testing.T) {
	tests := []struct {
		name    string
		values  []float64
		buckets []uint64 // cumulative at 1, 2, 5
		count   uint64
	}{
		{"none", nil, []uint64{0, 0, 0}, 0},
		{"on the first bound", []float64{1}, []uint64{1, 1, 1}, 1},
		{"just above the first bound", []float64{math.Nextafter(1, 2)}, []uint64{0, 1, 1}, 1},
		{"on the last bound", []float64{5}, []uint64{0, 0, 1}, 1},
		{"above every bound", []float64{5.000001}, []uint64{0, 0, 0}, 1},
		{"below every bound", []float64{-3, 0}, []uint64{2, 2, 2}, 2},
		{"one in each", []float64{0.5, 2, 4, 6}, []uint64{1, 2, 3}, 4},
		{"+Inf", []float64{math.Inf(1)}, []uint64{0, 0, 0}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHistogram(sortedBounds("h", []float64{1, 2, 5, math.Inf(1)}))
			for _, v := range tt.values {
				h.Observe(v)
			}
			s := h.snapshot()
			if diff := cmp.Diff(s.buckets, tt.buckets); diff != "" {
				t.Errorf("buckets (-got +want):\n%s", diff)
			}
			if s.count != tt.count {
				t.Errorf("count %d, want %d", s.count, tt.count)
			}
		})
	}
}

func TestUnsortedBucketsAreRefused(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("histogram with unsorted buckets was made")
		}
	}()
	var r registry
	r.histogramFamily("h_seconds", "h", []float64{1, 0.5})
}

// TestConcurrentRecording: hooks called from many goroutines at once (under -race) lose no
// count, create each label set once, and scrapes meanwhile always parse.
func TestConcurrentRecording(t *testing.T) {
	m := newMetrics("v", fixedSources())
	const goroutines, each = 8, 500
	kinds := []string{"slash_commands", "block_actions", "view_submission"}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				m.Ack(kinds[(g+i)%len(kinds)], time.Millisecond)
				m.CognitoCall("ListUsers", 10*time.Millisecond, "TooManyRequestsException")
				m.InFlight(1)
				m.InFlight(-1)
				m.Reconnect()
			}
		})
	}
	scrapes := make(chan struct{})
	go func() {
		defer close(scrapes)
		for range 20 {
			parse(t, m)
		}
	}()
	wg.Wait()
	<-scrapes

	got := samples(t, m)
	var acks float64
	for _, k := range kinds {
		acks += got["resetbot_slack_ack_duration_seconds{kind="+k+"}:count"]
	}
	want := map[string]float64{
		"acks":       goroutines * each,
		"cognito":    goroutines * each,
		"errors":     goroutines * each,
		"in flight":  0,
		"reconnects": goroutines * each,
	}
	if diff := cmp.Diff(map[string]float64{
		"acks":       acks,
		"cognito":    got["resetbot_cognito_call_duration_seconds{operation=ListUsers}:count"],
		"errors":     got["resetbot_cognito_errors_total{code=TooManyRequestsException,operation=ListUsers}"],
		"in flight":  got["resetbot_work_in_flight"],
		"reconnects": got["resetbot_socket_reconnects_total"],
	}, want); diff != "" {
		t.Errorf("counts after concurrent recording (-got +want):\n%s", diff)
	}
	if sum, wantSum := got["resetbot_cognito_call_duration_seconds{operation=ListUsers}:sum"], goroutines*each*0.01; math.Abs(sum-wantSum) > 1e-6 {
		t.Errorf("sum %v, want %v", sum, wantSum)
	}
}

// TestServesGoAndProcessFamilies: the real runtime and /proc give every Go and process family
// people graph, with the type Prometheus's Go client gives it.
func TestServesGoAndProcessFamilies(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the process families are read from Linux's /proc")
	}
	fams := parse(t, New("v"))
	want := map[string]string{
		"go_goroutines": "GAUGE", "go_threads": "GAUGE", "go_info": "GAUGE", "go_gc_duration_seconds": "SUMMARY",
		"go_memstats_alloc_bytes": "GAUGE", "go_memstats_heap_alloc_bytes": "GAUGE", "go_memstats_heap_inuse_bytes": "GAUGE",
		"go_memstats_heap_idle_bytes": "GAUGE", "go_memstats_heap_released_bytes": "GAUGE", "go_memstats_heap_sys_bytes": "GAUGE",
		"go_memstats_stack_inuse_bytes": "GAUGE", "go_memstats_sys_bytes": "GAUGE", "go_memstats_next_gc_bytes": "GAUGE",
		"go_memstats_mallocs_total": "COUNTER", "go_memstats_frees_total": "COUNTER",
		"process_cpu_seconds_total": "COUNTER", "process_resident_memory_bytes": "GAUGE", "process_virtual_memory_bytes": "GAUGE",
		"process_open_fds": "GAUGE", "process_max_fds": "GAUGE", "process_start_time_seconds": "GAUGE",
	}
	got := map[string]string{}
	for name := range want {
		if f, ok := fams[name]; ok {
			got[name] = f.GetType().String()
		}
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Go and process families (-got +want):\n%s", diff)
	}
	value := func(name string) float64 {
		f := fams[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Fatalf("%s: want one series, got %v", name, f)
		}
		m := f.GetMetric()[0]
		return m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	start := value("process_start_time_seconds")
	if now := float64(time.Now().Unix()); start < now-24*3600 || start > now+1 {
		t.Errorf("process_start_time_seconds %v, not within the last day of %v", start, now)
	}
	for _, name := range []string{"process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds", "process_max_fds", "go_goroutines", "go_threads"} {
		if v := value(name); v <= 0 {
			t.Errorf("%s = %v, want > 0", name, v)
		}
	}
	if rss, vsz := value("process_resident_memory_bytes"), value("process_virtual_memory_bytes"); rss > vsz {
		t.Errorf("resident %v above virtual %v", rss, vsz)
	}
}

// FuzzLabelValueRoundTrip: whatever a label value holds, Prometheus's parser reads the
// exposition and gets the value back (made valid UTF-8).
func FuzzLabelValueRoundTrip(f *testing.F) {
	f.Add("chat.postMessage")
	f.Add("a\\\"\nb")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, v string) {
		m := newMetrics("v", fixedSources())
		m.SlackRetry(v, "r")
		fam := parse(t, m)["resetbot_slack_retries_total"]
		if fam == nil || len(fam.GetMetric()) != 1 {
			t.Fatalf("want one series, got %v", fam)
		}
		for _, l := range fam.GetMetric()[0].GetLabel() {
			if l.GetName() == "method" && l.GetValue() != strings.ToValidUTF8(v, "\uFFFD") {
				t.Errorf("method %q read back as %q", v, l.GetValue())
			}
		}
	})
}
