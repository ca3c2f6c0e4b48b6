package httpserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func pass(context.Context) error { return nil }

func TestEndpoints(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "m 1\n") })
	tests := []struct {
		name       string
		ready      []Check
		metrics    http.Handler
		profiling  bool
		path       string
		wantStatus int
		wantBody   string
	}{
		{
			name: "healthz is up whatever readiness says", path: "/healthz",
			ready:      []Check{{"slack", func(context.Context) error { return errors.New("down") }}},
			wantStatus: 200, wantBody: "ok\n",
		},
		{
			name: "ready when every check passes", path: "/readyz",
			ready:      []Check{{"slack", pass}, {"store", pass}},
			wantStatus: 200, wantBody: "slack: ok\nstore: ok\n",
		},
		{
			name: "not ready names the failing check", path: "/readyz",
			ready: []Check{
				{"slack", func(context.Context) error { return errors.New("socket not connected") }},
				{"store", pass},
			},
			wantStatus: 503, wantBody: "slack: not ready: socket not connected\nstore: ok\n",
		},
		{
			name: "metrics when given", path: "/metrics", metrics: metrics,
			wantStatus: 200, wantBody: "m 1\n",
		},
		{
			name: "no metrics when not given", path: "/metrics",
			wantStatus: 404, wantBody: "404 page not found\n",
		},
		{
			name: "no profiling unless asked", path: "/debug/pprof/cmdline",
			wantStatus: 404, wantBody: "404 page not found\n",
		},
		{
			name: "profiling when asked", path: "/debug/pprof/cmdline", profiling: true,
			wantStatus: 200, wantBody: strings.Join(os.Args, "\x00"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandler(Config{Ready: tt.ready, Metrics: tt.metrics, Profiling: tt.profiling})
			status, body := get(t, h, tt.path)
			if diff := cmp.Diff([]any{status, body}, []any{tt.wantStatus, tt.wantBody}); diff != "" {
				t.Errorf("GET %s (-got +want):\n%s", tt.path, diff)
			}
		})
	}
}

func TestReadyzCheckTimesOut(t *testing.T) {
	h := NewHandler(Config{
		CheckTimeout: time.Millisecond,
		Ready: []Check{{"store", func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}}},
	})
	status, body := get(t, h, "/readyz")
	if diff := cmp.Diff([]any{status, body}, []any{503, "store: not ready: context deadline exceeded\n"}); diff != "" {
		t.Errorf("GET /readyz (-got +want):\n%s", diff)
	}
}

func TestServerServesAndShutsDown(t *testing.T) {
	s, err := Listen("127.0.0.1:0", NewHandler(Config{}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()

	resp, err := http.Get("http://" + s.Addr().String() + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve after Shutdown: %v, want nil", err)
	}
}

func TestListenReportsBusyAddress(t *testing.T) {
	s, err := Listen("127.0.0.1:0", NewHandler(Config{}))
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr().String()
	if _, err := Listen(addr, NewHandler(Config{})); err == nil {
		t.Errorf("second Listen on %s succeeded, want an error", addr)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close without Serve: %v", err)
	}
	again, err := Listen(addr, NewHandler(Config{}))
	if err != nil {
		t.Fatalf("Listen after Close: %v (Close did not release the port)", err)
	}
	if err := again.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
