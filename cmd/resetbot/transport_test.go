package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestTransportKeepsAConnectionPerWorker: after a round of calls as concurrent as the work
// pool, a second round reuses the connections of the first instead of opening new ones.
func TestTransportKeepsAConnectionPerWorker(t *testing.T) {
	const workers = 16
	var opened atomic.Int64
	arrived := make(chan struct{}, workers)
	release := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: newHTTPTransport(workers)}
	t.Cleanup(client.CloseIdleConnections)

	round := func() {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				resp, err := client.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			})
		}
		// Hold every call until all are in flight at once, then let them finish.
		for range workers {
			<-arrived
		}
		for range workers {
			release <- struct{}{}
		}
		wg.Wait()
	}
	round()
	round()
	if n := opened.Load(); n != workers {
		t.Errorf("%d connections opened over two rounds of %d concurrent calls, want %d", n, workers, workers)
	}
}
