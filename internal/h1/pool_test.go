package h1

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestIdleConnectionsBounded: of the connections a round of concurrent calls opened, MaxIdle
// are kept and the rest closed; CloseIdleConnections closes those kept. ObserveDial hears of
// every connection opened.
func TestIdleConnectionsBounded(t *testing.T) {
	const calls, maxIdle = 6, 2
	arrived := make(chan struct{}, calls)
	release := make(chan struct{})
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			arrived <- struct{}{}
			<-release
		}
		_, _ = io.WriteString(w, "ok")
	})
	var dialled atomic.Int64
	tr := transport(t, srv, Config{MaxIdle: maxIdle, ObserveDial: func() { dialled.Add(1) }})
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() { call(t, tr, "GET", srv.URL+"/hold", "") })
	}
	for range calls {
		<-arrived
	}
	close(release)
	wg.Wait()
	if n := srv.opened.Load(); n != calls {
		t.Fatalf("%d connections opened for %d calls at once, want %d", n, calls, calls)
	}
	if n := tr.pool.count(); n != maxIdle {
		t.Errorf("%d idle connections, want %d", n, maxIdle)
	}
	for range maxIdle {
		call(t, tr, "GET", srv.URL, "")
	}
	if n := srv.opened.Load(); n != calls {
		t.Errorf("%d connections opened after calls on the idle ones, want %d", n, calls)
	}
	tr.CloseIdleConnections()
	if n := tr.pool.count(); n != 0 {
		t.Errorf("%d idle connections after CloseIdleConnections, want 0", n)
	}
	call(t, tr, "GET", srv.URL, "")
	if n := srv.opened.Load(); n != calls+1 {
		t.Errorf("%d connections opened after CloseIdleConnections and a call, want %d", n, calls+1)
	}
	if n, want := dialled.Load(), srv.opened.Load(); n != want {
		t.Errorf("ObserveDial heard of %d connections, the server saw %d", n, want)
	}
}

// pipeServer answers every request it reads on conn with "ok" until conn closes, then
// reports that on closed.
func pipeServer(conn net.Conn, closed chan<- struct{}) {
	defer close(closed)
	br := bufio.NewReader(conn)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		if _, err := io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); err != nil {
			return
		}
	}
}

// TestIdleTimeout: an idle connection is closed once idle for IdleTimeout, and one used again
// before that is kept for a new IdleTimeout.
func TestIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const idle = 10 * time.Second
		var closed []chan struct{}
		tr := transport(t, nil, Config{IdleTimeout: idle, DialContext: func(context.Context, string, string) (net.Conn, error) {
			client, srv := net.Pipe()
			done := make(chan struct{})
			closed = append(closed, done)
			go pipeServer(srv, done)
			return client, nil
		}})
		isClosed := func() bool {
			select {
			case <-closed[0]:
				return true
			default:
				return false
			}
		}
		call(t, tr, "GET", "http://cognito.test/", "")
		time.Sleep(idle - time.Second)
		call(t, tr, "GET", "http://cognito.test/", "")
		time.Sleep(idle - time.Second)
		synctest.Wait()
		if isClosed() {
			t.Fatal("a connection used again was closed within IdleTimeout of its last use")
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if !isClosed() {
			t.Error("a connection idle for IdleTimeout is still open")
		}
		if n := tr.pool.count(); n != 0 {
			t.Errorf("%d idle connections, want 0", n)
		}
		if len(closed) != 1 {
			t.Errorf("%d connections dialled, want 1", len(closed))
		}
	})
}

// TestProxyFallback: a request a proxy is configured for goes through ProxyTransport (here to
// a proxy that answers itself); without ProxyTransport it fails. 127.0.0.1 is never proxied
// by the environment (the default Proxy).
func TestProxyFallback(t *testing.T) {
	target := serve(t, false, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "direct") })
	proxy := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "proxied "+r.URL.String())
	})
	via := func(*http.Request) (*url.URL, error) { return url.Parse(proxy.URL) }
	tr := transport(t, target, Config{Proxy: via, ProxyTransport: &http.Transport{Proxy: via}})
	if _, body := call(t, tr, "GET", target.URL+"/x", ""); body != "proxied "+target.URL+"/x" {
		t.Errorf("answer %q, want it from the proxy", body)
	}
	if n := target.opened.Load(); n != 0 {
		t.Errorf("%d connections to the target, want 0", n)
	}
	bare := transport(t, target, Config{Proxy: via})
	req, err := http.NewRequestWithContext(t.Context(), "GET", target.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := bare.RoundTrip(req); err == nil {
		_ = resp.Body.Close()
		t.Error("a request for a proxy without ProxyTransport was made")
	}
	if _, body := call(t, transport(t, target, Config{}), "GET", target.URL, ""); body != "direct" {
		t.Errorf("answer %q without a proxy, want direct", body)
	}
}
