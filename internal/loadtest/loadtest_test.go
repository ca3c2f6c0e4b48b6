package loadtest

import (
	"debug/elf"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// TestSmoke runs each scenario small against the real binary and checks what they count:
// every envelope acknowledged, every card posted, nothing failed or lost, no post before its
// Retry-After, every approval run. Timings are measured, not asserted.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it; not in -short")
	}
	ctx := t.Context()
	dir := t.TempDir()
	binary, err := Build(ctx, "../..", dir)
	if err != nil {
		t.Fatal(err)
	}
	assertShipped(t, binary)
	cfg := func(name string) Config {
		return Config{Binary: binary, Dir: filepath.Join(dir, name), CognitoLatency: 10 * time.Millisecond}
	}
	type counts struct {
		Envelopes, Unacked, CardsMissing, RequestsFailed, AuditLost, Posted, EarlyPosts, Resets int
	}
	countsOf := func(r Report) counts {
		return counts{r.Envelopes, r.Unacked, r.CardsMissing, r.RequestsFailed, r.AuditLost, r.Posted, r.EarlyPosts, r.Resets}
	}

	rate, err := Rate(ctx, cfg("rate"), 10, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(countsOf(rate), counts{Envelopes: 10, Posted: 10}); diff != "" {
		t.Errorf("rate (-got +want):\n%s\n%+v", diff, rate)
	}
	if rate.PeakRSS <= 0 || rate.IdleRSS <= 0 || rate.StartToConnected <= 0 || rate.AckMax <= 0 {
		t.Errorf("rate: the process figures are missing: %+v", rate)
	}

	burst, err := Burst(ctx, cfg("burst"), 12, 20, slacktest.Limit{Calls: 4, Window: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(countsOf(burst), counts{Envelopes: 12, Posted: 12}); diff != "" {
		t.Errorf("burst (-got +want):\n%s\n%+v", diff, burst)
	}
	if burst.RateLimited == 0 {
		t.Errorf("burst: Slack never rate-limited the posts: %+v", burst)
	}

	approvals, err := Approvals(ctx, cfg("approvals"), 5, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(countsOf(approvals), counts{Envelopes: 10, Posted: 5, Resets: 5}); diff != "" {
		t.Errorf("approvals (-got +want):\n%s\n%+v", diff, approvals)
	}
}

// assertShipped checks that the binary is built as the one people run: static, with no
// interpreter to load it, and without symbol tables.
func assertShipped(t *testing.T, binary string) {
	t.Helper()
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary is dynamically linked (it has an interpreter); the Dockerfile builds it with CGO_ENABLED=0")
		}
	}
	if f.Section(".symtab") != nil {
		t.Error("the binary has a symbol table; the Dockerfile builds it with -ldflags \"-s -w\"")
	}
}
