package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/demo"
)

// inProcessDemo runs the demo in this process, under the race detector, and returns the page's
// URL and a function that stops it and returns runDemo's error.
func inProcessDemo(t *testing.T, f demoFlags) (string, func() error) {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runDemo(ctx, f, pw, io.Discard, slog.New(slog.DiscardHandler))
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		cancel()
		t.Fatalf("the demo printed no URL: %v", <-done)
	}
	u, ok := strings.CutPrefix(lines.Text(), "open ")
	if !ok {
		t.Fatalf("the demo printed %q, want open http://…", lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { _ = stop() })
	return u, stop
}

// post sends an action to the page as JSON and returns the status and body.
func post(t *testing.T, u string, body any) (int, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// demoState is the part of the page's state the endpoint tests read.
type demoState struct {
	Version  uint64 `json:"version"`
	Messages []struct {
		TS     string          `json:"ts"`
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	} `json:"messages"`
	Ephemerals []struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	} `json:"ephemerals"`
	Users []demo.CognitoUser `json:"users"`
	Calls []demo.Call        `json:"calls"`
	Audit []demo.Trail       `json:"audit"`
}

// waitState polls the state as a person sees it until ok accepts it. The demo answers at
// once and works after, like Slack: this waits for the work, it asserts no timing.
func waitState(t *testing.T, u, as string, ok func(demoState, string) bool) (demoState, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for {
		body := httpGet(ctx, t, u+"/api/state?as="+as)
		var st demoState
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		if ok(st, body) {
			return st, body
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the state as %s never showed what the test waits for; last:\n%s", as, body)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var passwordInState = regexp.MustCompile("for your eyes only:\\\\n`([^`]+)`")

// TestDemoEndpoints drives the demo's JSON endpoints as the page does: a temporary password
// asked for and approved is in the requester's state alone; the Cognito calls, the users'
// status and the audit trail are there; wrong requests are refused; stopping removes the
// temporary files.
func TestDemoEndpoints(t *testing.T) {
	u, stop := inProcessDemo(t, demoFlags{addr: "127.0.0.1:0"})

	for _, tc := range []struct {
		name, path string
		body       any
		want       int
	}{
		{"unknown person", "/api/slash", map[string]string{"as": "U0NOBODY", "text": "help"}, http.StatusBadRequest},
		{"not an action", "/api/slash", []int{1}, http.StatusBadRequest},
		{"click without a message", "/api/click", map[string]string{"as": demoAda, "action_id": "approve"}, http.StatusBadRequest},
		{"submit of no view", "/api/submit", map[string]string{"as": demoAda, "view_id": "V0NONE"}, http.StatusBadRequest},
	} {
		if code, body := post(t, u+tc.path, tc.body); code != tc.want {
			t.Errorf("%s: POST %s answered %d %s, want %d", tc.name, tc.path, code, body, tc.want)
		}
	}
	resp, err := http.Get(u + "/api/state?as=U0NOBODY")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("the state of an unknown person answered %d, want 400", resp.StatusCode)
	}

	if code, body := post(t, u+"/api/slash", map[string]string{"as": demoAda,
		"text": "temp-password carol --ticket SUP-7 --verified-by callback Lost the invitation"}); code != http.StatusOK {
		t.Fatalf("the slash command answered %d %s", code, body)
	}
	st, _ := waitState(t, u, demoMarco, func(st demoState, _ string) bool {
		return len(st.Messages) > 0 && strings.Contains(string(st.Messages[0].Blocks), `"approve"`)
	})
	card := st.Messages[0].TS
	if code, body := post(t, u+"/api/click", map[string]string{"as": demoMarco, "channel": "C0DEMORESETS", "ts": card,
		"action_id": "approve", "value": ""}); code != http.StatusOK {
		t.Fatalf("the click answered %d %s", code, body)
	}
	_, adaBody := waitState(t, u, demoAda, func(_ demoState, body string) bool { return passwordInState.MatchString(body) })
	password := passwordInState.FindStringSubmatch(adaBody)[1]
	for _, who := range []string{demoMarco, demoLena, demoOtto, "U0DEMOBEN", "U0DEMOSOFIA"} {
		if body := httpGet(t.Context(), t, u+"/api/state?as="+who); containsAny(body, jsonForms(password)) {
			t.Errorf("the state served for %s holds the requester's password", who)
		}
	}

	st, _ = waitState(t, u, demoAda, func(st demoState, _ string) bool {
		return len(st.Audit) == 1 && st.Audit[0].Events[len(st.Audit[0].Events)-1].Kind == "succeeded"
	})
	var kinds []string
	for _, e := range st.Audit[0].Events {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]string{"submitted", "approved", "running", "succeeded"}, kinds); diff != "" {
		t.Errorf("audit trail (-want +got):\n%s", diff)
	}
	var ops []string
	for _, c := range st.Calls {
		ops = append(ops, c.Op)
	}
	if !strings.Contains(strings.Join(ops, " "), "AdminSetUserPassword") {
		t.Errorf("the call log has no AdminSetUserPassword: %v", ops)
	}

	if err := stop(); err != nil {
		t.Fatalf("the demo stopped with %v", err)
	}
	left, err := os.ReadDir(os.Getenv("TMPDIR"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("the demo left files behind: %v", left)
	}
}

// TestDemoEventsStream checks the page's server-sent events: one at once, one after a change.
func TestDemoEventsStream(t *testing.T) {
	u, _ := inProcessDemo(t, demoFlags{addr: "127.0.0.1:0"})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	events := bufio.NewScanner(resp.Body)
	next := func() string {
		t.Helper()
		for events.Scan() {
			if data, ok := strings.CutPrefix(events.Text(), "data: "); ok {
				return data
			}
		}
		t.Fatalf("the event stream ended: %v", events.Err())
		return ""
	}
	first := next()
	if code, body := post(t, u+"/api/slash", map[string]string{"as": demoAda, "text": "help"}); code != http.StatusOK {
		t.Fatalf("the slash command answered %d %s", code, body)
	}
	if second := next(); second == first {
		t.Errorf("the second event carries the same version %s as the first", first)
	}
}

func TestPageURL(t *testing.T) {
	for _, tc := range []struct {
		addr     net.TCPAddr
		want     string
		loopback bool
	}{
		{net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080", true},
		{net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080", false},
		{net.TCPAddr{IP: net.IPv6unspecified, Port: 9}, "http://127.0.0.1:9", false},
		{net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "http://[::1]:9", true},
		{net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 80}, "http://192.0.2.7:80", false},
	} {
		if got := pageURL(&tc.addr); got != tc.want {
			t.Errorf("pageURL(%s) = %s, want %s", &tc.addr, got, tc.want)
		}
		if got := isLoopback(&tc.addr); got != tc.loopback {
			t.Errorf("isLoopback(%s) = %v, want %v", &tc.addr, got, tc.loopback)
		}
	}
}

func TestIgnoredVariables(t *testing.T) {
	got := ignoredVariables([]string{
		"RESETBOT_SLACK_BOT_TOKEN=xoxb-1", "RESETBOT_SLACK_APP_TOKEN=", "AWS_PROFILE=prod", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=http://x",
		"AWS_REGION=eu-west-1", "PATH=/bin", "AWS_SECRET_ACCESS_KEY=secret",
	})
	want := []string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_PROFILE", "AWS_SECRET_ACCESS_KEY", "RESETBOT_SLACK_BOT_TOKEN"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ignoredVariables (-want +got):\n%s", diff)
	}
}

// TestDemoCommandLine checks the demo's flags: its help says how a policy file is mapped,
// arguments and unknown flags are refused, and the environment's tokens and AWS credentials
// are named as ignored, never shown.
func TestDemoCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		stdoutHas  string
		stderrHas  string
		wantsStart bool
	}{
		{args: []string{"--help"}, code: exitOK, stdoutHas: "its user groups are filled with demo people"},
		{args: []string{"-h"}, code: exitOK, stdoutHas: "-policy"},
		{args: []string{"extra"}, code: exitUsage, stderrHas: "takes no arguments"},
		{args: []string{"-nope"}, code: exitUsage, stderrHas: "flag provided but not defined"},
		{args: []string{"-policy", "/nonexistent/policy.yaml"}, code: exitUsage, stderrHas: "reading the policy file"},
	} {
		var stdout, stderr bytes.Buffer
		code := cmdDemo(t.Context(), tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stdout.String(), tc.stdoutHas) || !strings.Contains(stderr.String(), tc.stderrHas) {
			t.Errorf("resetbot demo %v: exit %d, stdout %q, stderr %q; want exit %d with %q / %q",
				tc.args, code, stdout.String(), stderr.String(), tc.code, tc.stdoutHas, tc.stderrHas)
		}
	}

	clearEnv(t) // the suite's own RESETBOT_ variables (RESETBOT_TEST_POSTGRES, …) are not the test's
	t.Setenv("RESETBOT_SLACK_BOT_TOKEN", "xoxb-must-not-show")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-must-not-show")
	var stderr bytes.Buffer
	if code := cmdDemo(t.Context(), []string{"-policy", "/nonexistent/policy.yaml"}, io.Discard, &stderr); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	out := stderr.String()
	if !strings.Contains(out, "ignoring AWS_SECRET_ACCESS_KEY, RESETBOT_SLACK_BOT_TOKEN: the demo never contacts Slack or AWS") {
		t.Errorf("the demo does not say which variables it ignores:\n%s", out)
	}
	if strings.Contains(out, "must-not-show") {
		t.Errorf("the demo shows a token or a secret:\n%s", out)
	}
}

// TestDemoRunsAPolicyFile runs the demo with the example policy: its pools, workspace and
// channel are the demo's, and a support engineer's request in its channel gets a card.
func TestDemoRunsAPolicyFile(t *testing.T) {
	u, _ := inProcessDemo(t, demoFlags{addr: "127.0.0.1:0", policy: "../../deploy/policy.example.yaml"})
	if code, body := post(t, u+"/api/slash", map[string]string{"as": demoAda,
		"text": "reset alice@example.com --ticket SUP-9 --verified-by callback Locked out"}); code != http.StatusOK {
		t.Fatalf("the slash command answered %d %s", code, body)
	}
	st, _ := waitState(t, u, demoLena, func(st demoState, _ string) bool { return len(st.Messages) > 0 })
	if !strings.Contains(string(st.Messages[0].Blocks), "eu-west-1_AbCdEf123") || !strings.Contains(string(st.Messages[0].Blocks), "support-reset") {
		t.Errorf("the card is not for the example policy's prod pool and rule support-reset: %s", st.Messages[0].Text)
	}
	var pools []string
	for _, usr := range st.Users {
		if usr.Username == "alice" {
			pools = append(pools, usr.Pool)
		}
	}
	if diff := cmp.Diff([]string{"prod", "staging"}, pools); diff != "" {
		t.Errorf("alice's pools (-want +got):\n%s", diff)
	}
}
