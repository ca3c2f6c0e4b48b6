package loadtest

import (
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseProc(t *testing.T) {
	rss, peak, err := parseStatus([]byte("Name:\tresetbot\nVmHWM:\t  98304 kB\nVmRSS:\t   40960 kB\nThreads:\t9\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{rss, peak}, []int64{40 << 20, 96 << 20}); diff != "" {
		t.Errorf("status (-got +want):\n%s", diff)
	}
	cpu, err := parseStat([]byte("4242 (reset bot) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 130 0 0 20 0 9 0 100 0 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cpu != 3800*time.Millisecond {
		t.Errorf("stat: %s, want 3.8s (380 ticks)", cpu)
	}
	for _, bad := range []string{"4242 (x S 1", "4242 (x) S 1 2 3", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 a b"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("stat %q: no error", bad)
		}
	}
	if _, _, err := parseStatus([]byte("VmRSS:\t12 MB\n")); err == nil {
		t.Error("status in MB: no error")
	}
}

// TestProcOfThisProcess reads this test's own process, which has memory and has used CPU.
func TestProcOfThisProcess(t *testing.T) {
	rss, peak, err := procStatus(os.Getpid())
	if err != nil || rss <= 0 || peak < rss {
		t.Errorf("procStatus = %d, %d, %v", rss, peak, err)
	}
	if _, err := procCPU(os.Getpid()); err != nil {
		t.Error(err)
	}
}

func TestQuantile(t *testing.T) {
	l := latencies{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	got := []time.Duration{l.quantile(0.5), l.quantile(0.99), l.quantile(1), latencies(nil).quantile(0.5)}
	if diff := cmp.Diff(got, []time.Duration{5, 10, 10, 0}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("VmHWM:\t  98304 kB\nVmRSS:\t   40960 kB\n"))
	f.Add([]byte("VmRSS: x kB"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rss, peak, err := parseStatus(b)
		if err == nil && (rss < 0 || peak < 0) {
			t.Errorf("negative memory %d, %d", rss, peak)
		}
	})
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("4242 (reset bot) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 130 0 0\n"))
	f.Add([]byte("1 ()) ) R"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := parseStat(b); err == nil && d < 0 {
			t.Errorf("negative CPU time %s", d)
		}
	})
}
