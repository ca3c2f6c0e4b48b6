package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// nodeModules returns where the pinned npm packages are; without them the test is skipped, or
// fails under CI.
func nodeModules(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RESETBOT_NODE_MODULES")
	if dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("RESETBOT_NODE_MODULES is not set: CI must drive the fake with a client that is not ours (scripts/test sets it)")
		}
		t.Skip("RESETBOT_NODE_MODULES is not set; run scripts/install-test-peers and scripts/test")
	}
	return dir
}

// started runs the command on a free port and returns its URL, the lines it printed before it
// listened, and its output lines from then on.
func started(t *testing.T, args ...string) (string, []string, <-chan string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
		done <- code
	}()
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("fakecognito exited with %d", code)
		}
	})
	var before []string
	for line := range lines {
		if url, ok := strings.CutPrefix(line, "listening on "); ok {
			return url, before, lines
		}
		before = append(before, line)
	}
	t.Fatal("fakecognito stopped before listening")
	return "", nil, nil
}

func TestServesTheJavaScriptSDK(t *testing.T) {
	modules := nodeModules(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	url, _, lines := started(t, "-seed", filepath.Join("testdata", "seed.json"))

	js := func(step string, env ...string) map[string]any {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), node, filepath.Join("testdata", "client.js"), step)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1",
			"ENDPOINT="+url, "POOL=eu-west-1_Example1", "CLIENT=exampleclient0000000000001")
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				stderr = ee.Stderr
			}
			t.Fatalf("client.js %s: %v\n%s", step, err, stderr)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("client.js %s printed %q: %v", step, out, err)
		}
		return got
	}

	got := js("reset")
	want := map[string]any{
		"minimumLength": 12.0, "found": []any{"alice"}, "groups": []any{"admins"},
		"status": "RESET_REQUIRED", "signIn": "PasswordResetRequiredException", "missing": "UserNotFoundException",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reset step (-want +got):\n%s", diff)
	}

	code := ""
	timeout := time.After(10 * time.Second)
	for code == "" {
		select {
		case line := <-lines:
			if strings.HasPrefix(line, "message pool=eu-west-1_Example1 user=alice trigger=AdminResetUserPassword medium=EMAIL to=alice@example.com code=") {
				code = line[strings.LastIndex(line, "=")+1:]
			}
		case <-timeout:
			t.Fatal("the command printed no reset code")
		}
	}
	got = js("confirm", "CODE="+code)
	want = map[string]any{"weak": "InvalidPasswordException", "tokens": true, "status": "CONFIRMED"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("confirm step (-want +got):\n%s", diff)
	}
}

func TestPrintsSeededIDs(t *testing.T) {
	url, before, _ := started(t, "-seed", filepath.Join("testdata", "seed.json"))
	want := []string{"pool eu-west-1_Example1 name=prod", "client exampleclient0000000000001 pool=eu-west-1_Example1 name=web"}
	if diff := cmp.Diff(want, before); diff != "" || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("url %s, lines before it (-want +got):\n%s", url, diff)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"pools":[{"name":""}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	garbled := filepath.Join(dir, "garbled.json")
	if err := os.WriteFile(garbled, []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"-colour"}, 2, "flag provided but not defined"},
		{"extra argument", []string{"serve"}, 2, "unexpected arguments"},
		{"missing seed", []string{"-seed", filepath.Join(dir, "none.json")}, 1, "no such file"},
		{"garbled seed", []string{"-seed", garbled}, 1, "garbled.json"},
		{"invalid seed", []string{"-seed", bad}, 1, "name is empty"},
		{"bad address", []string{"-addr", "127.0.0.1:99999"}, 1, "invalid port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			args := tc.args
			if tc.name != "bad address" {
				args = append([]string{"-addr", "127.0.0.1:0"}, args...)
			}
			if code := run(t.Context(), args, io.Discard, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
}
