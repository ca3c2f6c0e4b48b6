package httpserver

import (
	"net/http"
	"net/http/pprof"
)

// profilingRoutes are net/http/pprof's endpoints under /debug/pprof/, served only when
// Config.Profiling is on: a profile shows what the process is doing, not who asked what, but
// it is no business of anyone the metrics port is open to by default.
func profilingRoutes() []route {
	return []route{
		{"GET /debug/pprof/", http.HandlerFunc(pprof.Index)},
		{"GET /debug/pprof/cmdline", http.HandlerFunc(pprof.Cmdline)},
		{"GET /debug/pprof/profile", http.HandlerFunc(pprof.Profile)},
		{"GET /debug/pprof/symbol", http.HandlerFunc(pprof.Symbol)},
		{"POST /debug/pprof/symbol", http.HandlerFunc(pprof.Symbol)},
		{"GET /debug/pprof/trace", http.HandlerFunc(pprof.Trace)},
	}
}
