package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	content := "pools:\n  prod: {id: eu-west-1_Prod1234}\n"
	path := writeFile(t, "policy.yaml", content)
	p, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	sum := sha256.Sum256([]byte(content))
	if p.File() != path || p.Digest() != hex.EncodeToString(sum[:]) {
		t.Errorf("File() = %q, Digest() = %q; want %q and the file's SHA-256", p.File(), p.Digest(), path)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load() error = %v, want one wrapping fs.ErrNotExist", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	path := writeFile(t, "big.yaml", "pools:\n  prod: {id: eu-west-1_Prod1234}\n"+strings.Repeat("# padding\n", MaxFileSize/10+1))
	_, err := Load(path)
	want := path + ":1: the file is larger than 65536 bytes (64 KiB); a policy file is short"
	if err == nil || err.Error() != want {
		t.Errorf("Load() error = %v, want %q", err, want)
	}
}

func TestLoadDirectory(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("Load(a directory) succeeded")
	}
}

func TestAnchorsAndAliases(t *testing.T) {
	p := mustParse(t, `
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: a
    actions: &changes [reset, signout]
    requesters: &support ["@support"]
    approvers: &leads ["@leads", U0BOB]
    approvals: 1
  - name: b
    pools: [prod]
    actions: *changes
    requesters: [U0EVE]
    approvers: *leads
    approvals: 2
`)
	rules := p.Rules()
	if diff := cmp.Diff([]string{"@leads", "U0BOB"}, rules[1].Approvers); diff != "" {
		t.Errorf("aliased approvers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Action{ActionReset, ActionSignOut}, rules[1].Actions); diff != "" {
		t.Errorf("aliased actions mismatch (-want +got):\n%s", diff)
	}
}

func TestRulesAsRead(t *testing.T) {
	p := mustParse(t, decidePolicy)
	rules := p.Rules()
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.Name
	}
	if diff := cmp.Diff([]string{"protect-admins", "no-contractors", "status", "leads-reset", "support-reset", "customers-verify"}, names); diff != "" {
		t.Errorf("rule names mismatch (-want +got):\n%s", diff)
	}
	want := Rule{
		Name: "support-reset", Line: 35, Pools: []string{"prod"}, Actions: []Action{ActionReset, ActionTempPassword},
		TargetNoneOf: []string{"service-accounts"}, Requesters: []string{"@support", "S0SUPPORT", "U0ALICE"},
		Approvers: []string{"@support-leads", "U0BOB"}, Approvals: 1, ExpiresAfter: 4 * time.Hour, RemindAfter: 30 * time.Minute,
		Requires: Requirements{Ticket: true, TicketPattern: "SUP-[0-9]+", Reason: true, VerifiedBy: []string{"callback", "video-call"}},
		Limits:   fileLimits,
	}
	if diff := cmp.Diff(want, rules[4]); diff != "" {
		t.Errorf("Rules()[4] mismatch (-want +got):\n%s", diff)
	}
	rules[4].Approvers[0] = "U0MALLORY"
	if got := p.Rules()[4].Approvers[0]; got != "@support-leads" {
		t.Errorf("a change to Rules() reached the policy: approvers[0] = %q", got)
	}
}

func TestAccessors(t *testing.T) {
	p := mustParse(t, decidePolicy)
	if diff := cmp.Diff([]Pool{prod, staging}, p.Pools()); diff != "" {
		t.Errorf("Pools() mismatch (-want +got):\n%s", diff)
	}
	if got, ok := p.Pool("Staging"); !ok || got != staging {
		t.Errorf("Pool(Staging) = %v, %v; want %v", got, ok, staging)
	}
	if _, ok := p.Pool("qa"); ok {
		t.Error("Pool(qa) found a pool")
	}
	teams, enterprise := p.Workspace()
	if diff := cmp.Diff([]string{"T0TEAM1", "T0TEAM2"}, teams); diff != "" || enterprise != "E0ORG1" {
		t.Errorf("Workspace() = %v, %q (teams -want +got:\n%s)", teams, enterprise, diff)
	}
	ids, defaults := p.Channels()
	if diff := cmp.Diff([]string{"C0PROD", "C0ANY"}, ids); diff != "" {
		t.Errorf("Channels() ids mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"C0PROD": "prod"}, defaults); diff != "" {
		t.Errorf("Channels() defaults mismatch (-want +got):\n%s", diff)
	}
	wantChecks := []IdentityCheck{{"callback", "Called back the number on file"}, {"video-call", "Video call"}}
	if diff := cmp.Diff(wantChecks, p.IdentityChecks()); diff != "" {
		t.Errorf("IdentityChecks() mismatch (-want +got):\n%s", diff)
	}
	open := mustParse(t, "pools: {prod: {id: eu-west-1_Prod1234}}")
	if ids, defaults := open.Channels(); ids != nil || defaults != nil {
		t.Errorf("Channels() without an allow-list = %v, %v; want nil, nil", ids, defaults)
	}
	if teams, enterprise := open.Workspace(); teams != nil || enterprise != "" {
		t.Errorf("Workspace() when unset = %v, %q; want nil, empty", teams, enterprise)
	}
}

func TestDurations(t *testing.T) {
	for _, tt := range []struct {
		text string
		d    time.Duration
	}{
		{"2d", 48 * time.Hour},
		{"1d", 24 * time.Hour},
		{"4h", 4 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"45s", 45 * time.Second},
		{"26h3m4s", 26*time.Hour + 3*time.Minute + 4*time.Second},
		{"2h0m5s", 2*time.Hour + 5*time.Second},
		{"3m", 3 * time.Minute},
		{"50s", 50 * time.Second},
		{"1h10m", 70 * time.Minute},
	} {
		if got := FormatDuration(tt.d); got != tt.text {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.text)
		}
		if got, err := ParseDuration(tt.text); err != nil || got != tt.d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.text, got, err, tt.d)
		}
	}
	for d, want := range map[time.Duration]string{0: "0s", 1500 * time.Millisecond: "1.5s", 300 * time.Millisecond: "300ms"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for _, bad := range []string{"xd", "-1d", "400d", "soon"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", bad)
		}
	}
}

func TestErrorText(t *testing.T) {
	for _, tt := range []struct {
		err  Error
		want string
	}{
		{Error{File: "p.yaml", Line: 3, Column: 7, Field: "pools", Msg: "bad"}, "p.yaml:3:7: pools: bad"},
		{Error{File: "p.yaml", Line: 3, Msg: "bad"}, "p.yaml:3: bad"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	list := ErrorList{{File: "a", Line: 2, Msg: "x"}, {File: "a", Line: 1, Msg: "y"}}
	var e *Error
	if !errors.As(error(list), &e) || e.Msg != "x" {
		t.Errorf("errors.As(ErrorList, *Error) = %v", e)
	}
}

func TestYAMLForms(t *testing.T) {
	p := mustParse(t, `
pools:
  prod: {id: eu-west-1_Prod1234}
rules:
  - name: "protect-admins"
    effect: 'deny'
    target_groups:
      any_of:
        - admins
    message: |
      Admin accounts are reset by the security team.
      Ask in #security.
`)
	want := "Admin accounts are reset by the security team.\nAsk in #security."
	if got := p.Rules()[0].Message; got != want {
		t.Errorf("block message = %q, want %q", got, want)
	}

	empty := mustParse(t, "pools: {prod: {id: eu-west-1_Prod1234}}\nrules:\n")
	if got := empty.Rules(); len(got) != 1 || got[0].Name != "default" || got[0].Line != 0 {
		t.Errorf("rules left empty: Rules() = %+v, want only the built-in default", got)
	}
}
