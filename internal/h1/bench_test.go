package h1

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkRoundTrip measures one POST and its answer read whole over a kept-alive
// connection, through a Transport and through net/http's, against the same server (whose
// own allocations count in both).
func BenchmarkRoundTrip(b *testing.B) {
	srv := serve(b, false, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"Groups":[{"GroupName":"support"}]}`)
	})
	h1, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h1.CloseIdleConnections)
	std := http.DefaultTransport.(*http.Transport).Clone()
	b.Cleanup(std.CloseIdleConnections)
	for _, tc := range []struct {
		name string
		rt   http.RoundTripper
	}{{"h1", h1}, {"net-http", std}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req, err := http.NewRequestWithContext(b.Context(), "POST", srv.URL, strings.NewReader(`{"UserPoolId":"eu-west-1_Prod1","Username":"alice"}`))
				if err != nil {
					b.Fatal(err)
				}
				resp, err := tc.rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		})
	}
}
