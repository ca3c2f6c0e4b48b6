package h1

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// server is an httptest server that counts the connections opened to it and the requests
// it got.
type server struct {
	*httptest.Server
	opened   atomic.Int64
	requests atomic.Int64
}

// serve starts h on a server, over TLS when overTLS is set.
func serve(t testing.TB, overTLS bool, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.opened.Add(1)
		}
	}
	if overTLS {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// transport is a Transport that trusts s's certificate, its idle connections closed when the
// test ends.
func transport(t *testing.T, s *server, cfg Config) *Transport {
	t.Helper()
	if s != nil && s.TLS != nil {
		roots := x509.NewCertPool()
		roots.AddCert(s.Certificate())
		cfg.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// call makes a request and reads its answer whole.
func call(t *testing.T, tr http.RoundTripper, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer of %s %s: %v", method, url, err)
	}
	return resp.StatusCode, string(b)
}

// modes are the two kinds of connection the tests run over.
var modes = []struct {
	name string
	tls  bool
}{{"plain", false}, {"tls", true}}
