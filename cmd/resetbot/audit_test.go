package main

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/sqlite"
)

func TestAuditCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resetbot.db")
	db, err := sqlite.Open(t.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, e := range []approval.Event{
		{At: now.Add(-40 * 24 * time.Hour), Actor: "U0ALICE", Kind: "status", Rule: "support-read", Outcome: "shown", Detail: "pool=prod target=old"},
		{At: now.Add(-time.Hour), Actor: "U0ALICE", Kind: "denied_by_policy", Rule: "protect-admins", Outcome: "denied", Detail: "action=reset pool=prod target=root: no"},
		{At: now.Add(-time.Minute), Actor: "U0SAM", Kind: "status", Rule: "support-read", Outcome: "shown", Detail: "pool=staging target=sid"},
	} {
		if err := db.Append(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	// The bot keeps its store open while the audit runs.
	t.Cleanup(func() { _ = db.Close() })

	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := dispatch(t.Context(), append([]string{"audit", "--store", "sqlite:" + path}, args...), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	code, out, errOut := run("--since", "30d", "--format", "csv", "--pool", "prod")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "id,at,request_id,actor,kind,") || !strings.Contains(lines[1], ",denied_by_policy,U0ALICE,reset,prod,root,") {
		t.Errorf("csv export:\n%s", out)
	}
	code, out, _ = run("--requester", "U0SAM")
	if code != exitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"target":"sid"`) {
		t.Errorf("jsonl export (exit %d):\n%s", code, out)
	}
	for _, args := range [][]string{{"--since", "yesterday"}, {"--format", "xml"}, {"extra"}, {"--until", "-"}} {
		code, _, errOut := run(args...)
		if code == exitOK || errOut == "" {
			t.Errorf("audit %v: exit %d, stderr %q; want a refusal", args, code, errOut)
		}
	}
	if code, _, _ := run("--help"); code != exitOK {
		t.Errorf("--help exits %d", code)
	}
}

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"30d", now.Add(-30 * 24 * time.Hour)},
		{"12h", now.Add(-12 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
		{"2026-01-31", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"2026-01-31T09:30:00Z", time.Date(2026, 1, 31, 9, 30, 0, 0, time.UTC)},
	} {
		got, err := parseWhen(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"yesterday", "-1h", "30", "2026-13-01", "d"} {
		if got, err := parseWhen(bad, now); err == nil {
			t.Errorf("parseWhen(%q) = %v, want an error", bad, got)
		}
	}
	if diff := cmp.Diff(defaultStore(), "sqlite:./resetbot.db"); diff != "" {
		t.Errorf("defaultStore (-got +want):\n%s", diff)
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"30d", "12h", "2026-01-31", "2026-01-31T09:30:00Z", "", "1d2h", "-5m"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseWhen(s, now)
		if err == nil && strings.TrimSpace(s) != "" && got.IsZero() {
			t.Errorf("parseWhen(%q) accepted it as no time at all", s)
		}
	})
}
