package policyfile

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

	"github.com/resetbot/resetbot/policy"
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
	if diff := cmp.Diff([]policy.Action{policy.ActionReset, policy.ActionSignOut}, rules[1].Actions); diff != "" {
		t.Errorf("aliased actions mismatch (-want +got):\n%s", diff)
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
		if got := policy.FormatDuration(tt.d); got != tt.text {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.text)
		}
		if got, err := policy.ParseDuration(tt.text); err != nil || got != tt.d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.text, got, err, tt.d)
		}
	}
	for d, want := range map[time.Duration]string{0: "0s", 1500 * time.Millisecond: "1.5s", 300 * time.Millisecond: "300ms"} {
		if got := policy.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for _, bad := range []string{"xd", "-1d", "400d", "soon"} {
		if _, err := policy.ParseDuration(bad); err == nil {
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
