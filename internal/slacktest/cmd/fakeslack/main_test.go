package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestServePrintsItsInfoAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, slog.New(slog.DiscardHandler), w, slacktest.WithTokens("xoxb-1-2-test", "xapp-1-A-3-test"))
		_ = w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the info line: %v", err)
	}
	var info map[string]string
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("info line %q: %v", line, err)
	}
	if info["bot_token"] != "xoxb-1-2-test" || info["app_token"] != "xapp-1-A-3-test" || info["api_url"] == "" {
		t.Errorf("info = %v", info)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, info["control_url"]+"info", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("control API: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET info: %d", resp.StatusCode)
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, out) }()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return after the context ended")
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestBadFlags(t *testing.T) {
	if code := run([]string{"-nope"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
}

func TestUnusableAddress(t *testing.T) {
	if code := serve(t.Context(), slog.New(slog.DiscardHandler), io.Discard, slacktest.WithAddr("256.0.0.1:1")); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}
