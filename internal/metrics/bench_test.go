package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkAck measures the hot path: one envelope's ack time into its kind's histogram, as
// the Socket Mode reader records it for every envelope.
func BenchmarkAck(b *testing.B) {
	m := New("bench")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Ack("slash_commands", 700*time.Microsecond)
		}
	})
}

// BenchmarkCognitoCall measures a call with two labels and an error counted.
func BenchmarkCognitoCall(b *testing.B) {
	m := New("bench")
	b.ReportAllocs()
	for b.Loop() {
		m.CognitoCall("AdminResetUserPassword", 40*time.Millisecond, "TooManyRequestsException")
	}
}

// BenchmarkScrape measures one scrape of /metrics: the Go runtime's and the process's figures
// read, every family written.
func BenchmarkScrape(b *testing.B) {
	m := New("bench")
	for _, kind := range []string{"slash_commands", "block_actions", "view_submission"} {
		m.Ack(kind, time.Millisecond)
	}
	m.CognitoCall("ListUsers", 40*time.Millisecond, "")
	m.CognitoCall("AdminResetUserPassword", 40*time.Millisecond, "TooManyRequestsException")
	h := m.Handler()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
