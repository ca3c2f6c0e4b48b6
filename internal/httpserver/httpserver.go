package httpserver

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Check is one readiness condition. Run returns nil when ready, or an error saying why not.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Config is what the handler serves.
type Config struct {
	Ready        []Check
	Metrics      http.Handler  // nil: /metrics is not served
	Profiling    bool          // serve net/http/pprof under /debug/pprof/
	CheckTimeout time.Duration // per readiness check; default 2s
	Logger       *slog.Logger
}

// route is one endpoint.
type route struct {
	pattern string
	handler http.Handler
}

// NewHandler returns the mux of the operational endpoints.
func NewHandler(cfg Config) http.Handler {
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	routes := []route{
		{"GET /healthz", http.HandlerFunc(healthz)},
		{"GET /readyz", readyz(cfg)},
	}
	if cfg.Metrics != nil {
		routes = append(routes, route{"GET /metrics", cfg.Metrics})
	}
	if cfg.Profiling {
		routes = append(routes, profilingRoutes()...)
	}
	mux := http.NewServeMux()
	for _, r := range routes {
		mux.Handle(r.pattern, r.handler)
	}
	return mux
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintln(w, "ok")
}

// result is the outcome of one check.
type result struct {
	name string
	err  error
}

// readyz runs every check at once, each under the timeout, and answers 200 when all pass
// and 503 otherwise, with one line per check.
func readyz(cfg Config) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		results := make([]result, len(cfg.Ready))
		var wg sync.WaitGroup
		for i, c := range cfg.Ready {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(r.Context(), cfg.CheckTimeout)
				defer cancel()
				results[i] = result{name: c.Name, err: c.Run(ctx)}
			})
		}
		wg.Wait()

		var b strings.Builder
		status := http.StatusOK
		for _, res := range results {
			if res.err != nil {
				status = http.StatusServiceUnavailable
				fmt.Fprintf(&b, "%s: not ready: %v\n", res.name, res.err)
				cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "not ready",
					slog.String("check", res.name), slog.Any("err", res.err))
				continue
			}
			fmt.Fprintf(&b, "%s: ok\n", res.name)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(b.String()))
	})
}
