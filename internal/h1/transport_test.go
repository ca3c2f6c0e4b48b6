package h1

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestKeepsConnectionsAlive: calls one after another go over one connection, plain and TLS,
// whatever the answer's framing (length, chunked, none for HEAD and 204); an answer that says
// Connection: close, or a request that does, ends its connection.
func TestKeepsConnectionsAlive(t *testing.T) {
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/close":
			w.Header().Set("Connection", "close")
		case "/chunked":
			for _, part := range []string{"one ", "two ", "three"} {
				_, _ = io.WriteString(w, part)
				w.(http.Flusher).Flush()
			}
			return
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = io.WriteString(w, r.Method+" "+r.URL.Path+" "+string(body))
	}
	type step struct {
		method, path, body string
		reqClose           bool
	}
	type answer struct {
		Status int
		Body   string
	}
	for _, mode := range modes {
		for _, tc := range []struct {
			name   string
			steps  []step
			want   []answer
			opened int64
		}{
			{"with a length", []step{{"POST", "/a", "x", false}, {"POST", "/b", "y", false}, {"GET", "/c", "", false}},
				[]answer{{200, "POST /a x"}, {200, "POST /b y"}, {200, "GET /c "}}, 1},
			{"chunked", []step{{"GET", "/chunked", "", false}, {"GET", "/chunked", "", false}},
				[]answer{{200, "one two three"}, {200, "one two three"}}, 1},
			{"no body", []step{{"HEAD", "/a", "", false}, {"GET", "/empty", "", false}, {"GET", "/a", "", false}},
				[]answer{{200, ""}, {204, ""}, {200, "GET /a "}}, 1},
			{"answer closes", []step{{"POST", "/close", "x", false}, {"POST", "/close", "y", false}, {"GET", "/a", "", false}},
				[]answer{{200, "POST /close x"}, {200, "POST /close y"}, {200, "GET /a "}}, 3},
			{"request closes", []step{{"GET", "/a", "", true}, {"GET", "/a", "", false}},
				[]answer{{200, "GET /a "}, {200, "GET /a "}}, 2},
		} {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				srv := serve(t, mode.tls, handler)
				tr := transport(t, srv, Config{})
				var got []answer
				for _, s := range tc.steps {
					req, err := http.NewRequestWithContext(t.Context(), s.method, srv.URL+s.path, strings.NewReader(s.body))
					if err != nil {
						t.Fatal(err)
					}
					req.Close = s.reqClose
					resp, err := tr.RoundTrip(req)
					if err != nil {
						t.Fatal(err)
					}
					b, err := io.ReadAll(resp.Body)
					if err != nil {
						t.Fatal(err)
					}
					_ = resp.Body.Close()
					if mode.tls != (resp.TLS != nil) {
						t.Errorf("%s %s: TLS state %v over %s", s.method, s.path, resp.TLS, mode.name)
					}
					got = append(got, answer{resp.StatusCode, string(b)})
				}
				if diff := cmp.Diff(got, tc.want); diff != "" {
					t.Errorf("answers (-got +want):\n%s", diff)
				}
				if n := srv.opened.Load(); n != tc.opened {
					t.Errorf("%d connections opened, want %d", n, tc.opened)
				}
			})
		}
	}
}

// TestBodyClosedEarly: a body closed before its end closes its connection (what is left of
// the answer cannot be told from the next one), and the next call opens a new one.
func TestBodyClosedEarly(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			srv := serve(t, mode.tls, func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, strings.Repeat("x", 64<<10))
			})
			tr := transport(t, srv, Config{})
			req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := resp.Body.Read(make([]byte, 10)); err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if _, err := resp.Body.Read(make([]byte, 10)); !errors.Is(err, errBodyClosed) {
				t.Errorf("read after close: %v, want %v", err, errBodyClosed)
			}
			if n := tr.pool.count(); n != 0 {
				t.Errorf("%d idle connections after a body closed early, want 0", n)
			}
			if _, body := call(t, tr, "GET", srv.URL, ""); len(body) != 64<<10 {
				t.Errorf("second answer %d bytes, want %d", len(body), 64<<10)
			}
			if n := srv.opened.Load(); n != 2 {
				t.Errorf("%d connections opened, want 2", n)
			}
		})
	}
}

// TestServerClosedIdleConnection: a connection the server closed while it was idle is not
// used, and the next call reaches the server once, on a new connection.
func TestServerClosedIdleConnection(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			srv := serve(t, mode.tls, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				_, _ = w.Write(b)
			})
			tr := transport(t, srv, Config{})
			call(t, tr, "POST", srv.URL, "first")
			srv.CloseClientConnections()
			if _, body := call(t, tr, "POST", srv.URL, "second"); body != "second" {
				t.Errorf("second answer %q", body)
			}
			if n := srv.requests.Load(); n != 2 {
				t.Errorf("server got %d requests, want 2", n)
			}
			if n := srv.opened.Load(); n != 2 {
				t.Errorf("%d connections opened, want 2", n)
			}
		})
	}
}

// gone is a connection whose server has gone while it was idle, as a write that fails before
// any byte leaves shows it (the socket is hidden, so the transport cannot peek at it).
type gone struct {
	net.Conn
	mu     sync.Mutex
	broken bool
}

func (g *gone) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.broken {
		return 0, &net.OpError{Op: "write", Net: "tcp", Err: errors.New("broken pipe")}
	}
	return g.Conn.Write(p)
}

// TestSentAgainWhenNothingLeft: a request whose write on a reused connection fails before any
// byte left is sent again on a new connection, once; a request is never sent twice.
func TestSentAgainWhenNothingLeft(t *testing.T) {
	srv := serve(t, false, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	})
	var mu sync.Mutex
	var conns []*gone
	tr := transport(t, srv, Config{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		g := &gone{Conn: c}
		mu.Lock()
		conns = append(conns, g)
		mu.Unlock()
		return g, nil
	}})
	call(t, tr, "POST", srv.URL, "first")
	conns[0].mu.Lock()
	conns[0].broken = true
	conns[0].mu.Unlock()
	if _, body := call(t, tr, "POST", srv.URL, "second"); body != "second" {
		t.Errorf("second answer %q", body)
	}
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("server got %d requests, want 2", n)
	}
	if n := len(conns); n != 2 {
		t.Errorf("%d connections dialled, want 2", n)
	}
}

// TestCancelledWhileWaiting: a call whose context ends while it waits for the answer returns
// the context's error, and its connection is not used again.
func TestCancelledWhileWaiting(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			arrived := make(chan struct{}, 1)
			release := make(chan struct{})
			srv := serve(t, mode.tls, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/wait" {
					arrived <- struct{}{}
					<-release
				}
				_, _ = io.WriteString(w, "ok")
			})
			t.Cleanup(func() { close(release) })
			tr := transport(t, srv, Config{})
			call(t, tr, "GET", srv.URL, "")
			ctx, cancel := context.WithCancel(t.Context())
			req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/wait", nil)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				<-arrived
				cancel()
			}()
			resp, err := tr.RoundTrip(req)
			if err == nil {
				_ = resp.Body.Close()
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("RoundTrip = %v, want context.Canceled", err)
			}
			if n := tr.pool.count(); n != 0 {
				t.Errorf("%d idle connections after a cancelled call, want 0", n)
			}
			call(t, tr, "GET", srv.URL, "")
			if n := srv.opened.Load(); n != 2 {
				t.Errorf("%d connections opened, want 2", n)
			}
		})
	}
}

// TestCancelledWhileReadingBody: a context that ends while the body is read ends the read.
func TestCancelledWhileReadingBody(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, false, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "first part")
		w.(http.Flusher).Flush()
		<-release
	})
	t.Cleanup(func() { close(release) })
	tr := transport(t, srv, Config{})
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := resp.Body.Read(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("reading after cancel: %v, want context.Canceled", err)
	}
}

// TestResponseHeaderTimeout: an answer whose headers do not come in time fails the call with
// a timeout.
func TestResponseHeaderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := serve(t, false, func(http.ResponseWriter, *http.Request) { <-release })
	t.Cleanup(func() { close(release) })
	tr := transport(t, srv, Config{ResponseHeaderTimeout: 20 * time.Millisecond})
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("RoundTrip = %v, want a timeout", err)
	}
	if n := tr.pool.count(); n != 0 {
		t.Errorf("%d idle connections after a timeout, want 0", n)
	}
}

// TestConcurrentCalls: many calls at once, some bodies closed early, all answered right, and
// no more connections than calls at once.
func TestConcurrentCalls(t *testing.T) {
	const workers, each = 16, 25
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			srv := serve(t, mode.tls, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				_, _ = w.Write(b)
			})
			tr := transport(t, srv, Config{MaxIdle: workers})
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						want := strings.Repeat(string(rune('a'+w)), 100+i)
						req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL, strings.NewReader(want))
						if err != nil {
							t.Error(err)
							return
						}
						resp, err := tr.RoundTrip(req)
						if err != nil {
							t.Error(err)
							return
						}
						if i%5 == 4 {
							_ = resp.Body.Close() // early
							continue
						}
						got, err := io.ReadAll(resp.Body)
						_ = resp.Body.Close()
						if err != nil || string(got) != want {
							t.Errorf("answer %q, %v; want %q", got, err, want)
						}
					}
				})
			}
			wg.Wait()
			if n := srv.requests.Load(); n != workers*each {
				t.Errorf("server got %d requests, want %d", n, workers*each)
			}
			if n, most := srv.opened.Load(), int64(workers+workers*each/5); n > most {
				t.Errorf("%d connections opened, want at most %d", n, most)
			}
		})
	}
}
