package policyfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
)

const (
	holderV1 = "pools:\n  prod: {id: eu-west-1_Prod1234}\n"
	holderV2 = `
pools:
  prod: {id: eu-west-1_Prod1234}
identity_checks: {callback: Called back}
rules:
  - name: support-reset
    actions: [reset]
    requesters: ["@support"]
    approvers: ["@leads"]
    approvals: 1
    self_approval: true
`
)

// logRecords decodes the JSON log lines written to buf.
func logRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		delete(rec, "time")
		out = append(out, rec)
	}
	return out
}

func newTestHolder(t *testing.T, content string) (*Holder, string, *bytes.Buffer) {
	t.Helper()
	path := writeFile(t, "policy.yaml", content)
	var buf bytes.Buffer
	h, err := NewHolder(path, slog.New(slog.NewJSONHandler(&buf, nil)))
	if err != nil {
		t.Fatalf("NewHolder: %v", err)
	}
	return h, path, &buf
}

func TestHolderReload(t *testing.T) {
	h, path, buf := newTestHolder(t, holderV1)
	reset := policy.Facts{Requester: "U0DAN", Groups: []string{"@support"}, Action: policy.ActionReset}
	if d := h.Decide(reset); d.Allowed {
		t.Fatalf("before reload, reset allowed: %+v", d)
	}
	v1 := h.Digest()
	if err := os.WriteFile(path, []byte(holderV2), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	d := h.Decide(reset)
	if !d.Allowed || d.Rule != "support-reset" {
		t.Errorf("after reload, Decide() = %+v; want allowed by support-reset", d)
	}
	want := []map[string]any{
		{"level": "INFO", "msg": "policy loaded", "path": path, "digest": v1, "pools": 1.0, "rules": 1.0},
		{"level": "WARN", "msg": "policy warning", "warning": path + ":1: no workspace is set: people in any workspace the app is installed in may use the bot"},
		{"level": "INFO", "msg": "policy reloaded", "path": path, "digest": h.Digest(), "previous_digest": v1, "pools": 1.0, "rules": 1.0},
		{"level": "WARN", "msg": "policy warning", "warning": path + ":1: no workspace is set: people in any workspace the app is installed in may use the bot"},
		{"level": "WARN", "msg": "policy warning", "warning": path + `:6: rule "support-reset": ` + handles("@support and @leads")},
		{"level": "WARN", "msg": "policy warning", "warning": path + `:6: rule "support-reset": lets a requester approve their own request alone (self_approval with approvals: 1)`},
	}
	if diff := cmp.Diff(want, logRecords(t, buf)); diff != "" {
		t.Errorf("log mismatch (-want +got):\n%s", diff)
	}
}

func TestHolderReloadKeepsPolicyWhenInvalid(t *testing.T) {
	h, path, buf := newTestHolder(t, holderV2)
	before := h.Policy()
	buf.Reset()
	if err := os.WriteFile(path, []byte(holderV2+"  - name: broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := h.Reload()
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Reload() error = %v, want an ErrorList", err)
	}
	if h.Policy() != before {
		t.Error("an invalid file replaced the policy in force")
	}
	recs := logRecords(t, buf)
	wantErr := "reload policy: " + path + ":12:5: rules[1].actions: missing; an allow rule names the actions it allows, e.g. [reset]\n" +
		path + ":12:5: rules[1].requesters: missing; an allow rule names who may request: a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle, or \"*\" for anyone"
	if err.Error() != wantErr {
		t.Errorf("Reload() error =\n%s\nwant\n%s", err, wantErr)
	}
	want := []map[string]any{{
		"level": "ERROR", "msg": "policy reload failed; the previous policy stays in force",
		"path": path, "digest": before.Digest(), "err": strings.TrimPrefix(wantErr, "reload policy: "),
	}}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("log mismatch (-want +got):\n%s", diff)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(); err == nil || h.Policy() != before {
		t.Errorf("Reload() of a removed file = %v, and replaced the policy: %v", err, h.Policy() != before)
	}
}

func TestNewHolderInvalidFile(t *testing.T) {
	path := writeFile(t, "policy.yaml", "rules: []\n")
	_, err := NewHolder(path, slog.New(slog.DiscardHandler))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Errorf("NewHolder() error = %v, want an ErrorList", err)
	}
}

func TestHolderDelegates(t *testing.T) {
	h, _, _ := newTestHolder(t, decidePolicy)
	p := h.Policy()
	f := policy.Facts{
		Team: "T0TEAM1", Channel: "C0PROD", Requester: "U0DAN", Groups: []string{"@support"},
		Pool: "prod", Action: policy.ActionReset, TargetGroups: []string{"customers"},
		Ticket: "SUP-42", Reason: "locked out", VerifiedBy: "callback",
	}
	if diff := cmp.Diff(p.Decide(f), h.Decide(f)); diff != "" {
		t.Errorf("Decide mismatch (-policy +holder):\n%s", diff)
	}
	d := h.Decide(f)
	a := policy.Approver{User: "U0BOB"}
	gotOK, gotReason := h.CanApprove(d, a, "U0DAN", nil)
	wantOK, wantReason := p.CanApprove(d, a, "U0DAN", nil)
	if gotOK != wantOK || gotReason != wantReason {
		t.Errorf("CanApprove = %v %q, want %v %q", gotOK, gotReason, wantOK, wantReason)
	}
	if diff := cmp.Diff(p.Permitted(f), h.Permitted(f)); diff != "" {
		t.Errorf("Permitted mismatch (-policy +holder):\n%s", diff)
	}
	if diff := cmp.Diff(p.Pools(), h.Pools()); diff != "" {
		t.Errorf("Pools mismatch (-policy +holder):\n%s", diff)
	}
	if got, ok := h.Pool("prod"); !ok || got != p.Pools()[0] {
		t.Errorf("Pool(prod) = %v, %v", got, ok)
	}
	if diff := cmp.Diff(p.IdentityChecks(), h.IdentityChecks()); diff != "" {
		t.Errorf("IdentityChecks mismatch (-policy +holder):\n%s", diff)
	}
}

// TestHolderConcurrentReload decides while the file is reloaded; run with -race.
func TestHolderConcurrentReload(t *testing.T) {
	h, path, _ := newTestHolder(t, holderV1)
	reset := policy.Facts{Requester: "U0DAN", Groups: []string{"@support"}, Action: policy.ActionReset}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if d := h.Decide(reset); d.Allowed != (d.Rule == "support-reset") {
					t.Errorf("a half-loaded policy answered: %+v", d)
					return
				}
			}
		})
	}
	for i := range 20 {
		content := holderV1
		if i%2 == 0 {
			content = holderV2
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := h.Reload(); err != nil {
			t.Fatalf("Reload: %v", err)
		}
	}
	wg.Wait()
}
