package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadyURL(t *testing.T) {
	for _, tt := range []struct {
		addr, want string
	}{
		{":8080", "http://127.0.0.1:8080/readyz"},
		{"0.0.0.0:9090", "http://127.0.0.1:9090/readyz"},
		{"[::]:8080", "http://[::1]:8080/readyz"},
		{"10.0.0.7:8080", "http://10.0.0.7:8080/readyz"},
		{"localhost:8080", "http://localhost:8080/readyz"},
	} {
		got, err := readyURL(tt.addr)
		if err != nil {
			t.Errorf("readyURL(%q): %v", tt.addr, err)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("readyURL(%q) (-got +want):\n%s", tt.addr, diff)
		}
	}
	if _, err := readyURL("8080"); err == nil || !strings.Contains(err.Error(), "RESETBOT_HTTP_ADDR") {
		t.Errorf("readyURL(8080) = %v, want an error naming RESETBOT_HTTP_ADDR", err)
	}
}

// TestReadyFollowsTheApp: `resetbot ready` fails while the app is not connected to Slack, and
// succeeds once its /readyz does; it reads RESETBOT_HTTP_ADDR.
func TestReadyFollowsTheApp(t *testing.T) {
	ready := func(app *App) (int, string) {
		t.Setenv("RESETBOT_HTTP_ADDR", app.HTTPAddr().String())
		var stdout, stderr strings.Builder
		code := cmdReady(t.Context(), nil, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}

	idle, _ := newApp(t, newFixture(t), nil)
	t.Cleanup(func() { idle.Close() })
	go func() { _ = idle.http.Serve() }()
	if code, out := ready(idle); code != exitFail || !strings.Contains(out, "503") {
		t.Errorf("ready before Slack connects = %d %q, want %d and the 503", code, out, exitFail)
	}

	f := newFixture(t)
	app, _ := newApp(t, f, nil)
	_, stop := runReadyApp(t, f, app)
	if code, out := ready(app); code != exitOK {
		t.Errorf("ready once the app is = %d %q, want %d", code, out, exitOK)
	}
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if code, out := ready(app); code != exitFail || !strings.Contains(out, "not ready") {
		t.Errorf("ready after the app stopped = %d %q, want %d", code, out, exitFail)
	}
}
