package auditexport

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/golden"
)

func TestExportGolden(t *testing.T) {
	store := fillStore(t)
	for _, tt := range []struct {
		name   string
		format Format
		f      Filter
	}{
		{"all.jsonl", JSONLines, Filter{}},
		{"all.csv", CSV, Filter{}},
		{"approver.jsonl", JSONLines, Filter{Approver: "U0LEAD001"}},
		{"requester_pool_action.csv", CSV, Filter{Requester: "U0ALICE", Pool: "prod", Action: "reset"}},
		{"user.jsonl", JSONLines, Filter{Target: "erin"}},
		{"outcome_since_until.jsonl", JSONLines, Filter{Outcome: "denied", Since: t0.Add(4 * time.Minute), Until: t0.Add(6 * time.Minute)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			n, err := Export(t.Context(), store, tt.f, tt.format, &b)
			if err != nil {
				t.Fatalf("Export: %v", err)
			}
			if lines := strings.Count(b.String(), "\n"); lines < n {
				t.Errorf("%d records, %d lines", n, lines)
			}
			if strings.Contains(b.String(), "Temp-Secret-Canary") {
				t.Error("the export holds a password")
			}
			golden.Assert(t, filepath.Join("testdata", tt.name), b.Bytes())
		})
	}
}

func TestExportRefusesAnUnknownFormat(t *testing.T) {
	if _, err := Export(t.Context(), fillStore(t), Filter{}, "xml", &bytes.Buffer{}); err == nil {
		t.Error("exported as xml")
	}
}

func TestParseDetail(t *testing.T) {
	for _, tt := range []struct {
		detail string
		want   subject
	}{
		{"action=reset pool=prod target=r***t@example.com: Admin accounts are reset by the security team.",
			subject{Action: "reset", Pool: "prod", Target: "r***t@example.com"}},
		{"pool=prod target=carol", subject{Pool: "prod", Target: "carol"}},
		{"pool=prod target=carol requests=3", subject{Pool: "prod", Target: "carol"}},
		{"no card: slack down", subject{}},
		{"", subject{}},
	} {
		if diff := cmp.Diff(parseDetail(tt.detail), tt.want, cmp.AllowUnexported(subject{})); diff != "" {
			t.Errorf("parseDetail(%q) (-got +want):\n%s", tt.detail, diff)
		}
	}
}

func FuzzParseDetail(f *testing.F) {
	for _, s := range []string{"action=reset pool=prod target=x: why", "pool= target==", "a=b=c: : :", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, detail string) {
		s := parseDetail(detail)
		head, _, _ := strings.Cut(detail, ": ")
		for _, v := range []string{s.Action, s.Pool, s.Target} {
			if v != "" && !strings.Contains(head, v) {
				t.Errorf("parseDetail(%q) = %+v: %q is not in the detail's head", detail, s, v)
			}
		}
	})
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-x": "'-x", "@a": "'@a", "ok": "ok", "": ""} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
