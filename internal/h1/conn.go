package h1

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"
)

// maxInformational is how many 1xx answers are skipped before the final one.
const maxInformational = 5

// aLongTimeAgo is the deadline that makes every blocked read and write on a connection return.
var aLongTimeAgo = time.Unix(1, 0)

// The buffers requests are written and answers read through: each is held for one request
// or one answer, never by an idle connection or one waiting for an answer.
var (
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
)

// key names the connections a request may use: its scheme and host as the URL gives them.
type key struct {
	https bool
	host  string
}

func keyOf(req *http.Request) (key, error) {
	if req.URL == nil {
		return key{}, errors.New("h1: the request has no URL")
	}
	if req.URL.Host == "" {
		return key{}, fmt.Errorf("h1: no host in the request's URL %q", req.URL.Redacted())
	}
	switch req.URL.Scheme {
	case "http":
		return key{host: req.URL.Host}, nil
	case "https":
		return key{https: true, host: req.URL.Host}, nil
	default:
		return key{}, fmt.Errorf("h1: unsupported scheme %q", req.URL.Scheme)
	}
}

// hostname is the host without its port.
func (k key) hostname() string { return (&url.URL{Host: k.host}).Hostname() }

// addr is the host and port to dial.
func (k key) addr() string {
	u := url.URL{Host: k.host}
	port := u.Port()
	if port == "" {
		port = "80"
		if k.https {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// conn is one connection to a host. It is lent to one request at a time; its answer's body
// gives it back to the pool.
type conn struct {
	t   *Transport
	key key
	nc  net.Conn             // what requests go over: the TCP connection, or TLS on it
	raw net.Conn             // the TCP connection
	tls *tls.ConnectionState // nil on plain connections

	// Of the request the connection is lent to.
	reused  bool     // the connection served a request before this one
	written int64    // bytes of the request written to nc
	first   [32]byte // the answer's first bytes, read before a read buffer is taken
	pending []byte   // what of first the read buffer has yet to take
	limit   int64    // bytes the answer's headers may still take

	// mu orders the deadlines set while reading with the request's cancellation, which comes
	// from another goroutine.
	mu        sync.Mutex
	cancelled bool

	// Guarded by the pool's mutex.
	idle      bool
	idleSince time.Time
	timer     *time.Timer
}

// conn is an idle connection to k that the server has not closed, or a new one.
func (t *Transport) conn(ctx context.Context, k key) (*conn, error) {
	for {
		c := t.pool.take(k)
		if c == nil {
			return t.dial(ctx, k)
		}
		if !serverClosed(c.raw) {
			c.reused = true
			return c, nil
		}
		c.close()
	}
}

// dial opens a connection to k under the dial timeout and, for https, the handshake timeout.
func (t *Transport) dial(ctx context.Context, k key) (*conn, error) {
	dctx, cancel := context.WithTimeout(ctx, t.cfg.DialTimeout)
	raw, err := t.cfg.DialContext(dctx, "tcp", k.addr())
	cancel()
	if err != nil {
		return nil, err // a *net.OpError of "dial": nothing was sent
	}
	c := &conn{t: t, key: k, nc: raw, raw: raw}
	if k.https {
		hctx, cancel := context.WithTimeout(ctx, t.cfg.TLSHandshakeTimeout)
		tc, err := handshake(hctx, raw, t.tls.forName(k.hostname()))
		cancel()
		if err != nil {
			_ = raw.Close()
			return nil, err
		}
		state := tc.ConnectionState()
		c.nc, c.tls = tc, &state
	}
	if t.cfg.ObserveDial != nil {
		t.cfg.ObserveDial()
	}
	return c, nil
}

// roundTrip writes req and reads its answer's headers; the answer's body holds the
// connection until it is read to its end or closed.
func (c *conn) roundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c.written = 0
	c.mu.Lock()
	c.cancelled = false
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, c.cancel)
	if err := c.write(req); err != nil {
		stop()
		c.close()
		return nil, c.failed(ctx, "writing the request to", err)
	}
	resp, br, err := c.readResponse(req)
	if err != nil {
		stop()
		c.close()
		return nil, c.failed(ctx, "reading the answer of", err)
	}
	closeAfter := resp.Close || req.Close || resp.StatusCode == http.StatusSwitchingProtocols
	resp.TLS = c.tls
	if resp.Body == http.NoBody {
		c.giveBack(br, stop, closeAfter)
		return resp, nil
	}
	resp.Body = &body{c: c, br: br, rc: resp.Body, stop: stop, closeAfter: closeAfter, ctx: ctx}
	return resp, nil
}

// write sends req through a pooled buffer.
func (c *conn) write(req *http.Request) error {
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(c)
	err := req.Write(bw)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	writers.Put(bw)
	return err
}

// readResponse waits for the answer's first bytes in c.first, then reads its status line and
// headers (1xx answers skipped) through a pooled buffer, which the body reads from next.
func (c *conn) readResponse(req *http.Request) (*http.Response, *bufio.Reader, error) {
	if d := c.t.cfg.ResponseHeaderTimeout; d > 0 {
		c.setReadDeadline(time.Now().Add(d))
	}
	n, err := c.nc.Read(c.first[:])
	for n == 0 && err == nil {
		n, err = c.nc.Read(c.first[:])
	}
	if n == 0 {
		if errors.Is(err, io.EOF) {
			err = errClosedBeforeAnswer
		}
		return nil, nil, err
	}
	c.pending, c.limit = c.first[:n], int64(c.t.cfg.MaxResponseHeaderBytes)
	br := readers.Get().(*bufio.Reader)
	br.Reset(c)
	for informational := 0; ; informational++ {
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			putReader(br)
			return nil, nil, err
		}
		if resp.StatusCode >= http.StatusOK || resp.StatusCode == http.StatusSwitchingProtocols {
			c.limit = math.MaxInt64
			if c.t.cfg.ResponseHeaderTimeout > 0 {
				c.setReadDeadline(time.Time{})
			}
			return resp, br, nil
		}
		if informational == maxInformational {
			putReader(br)
			return nil, nil, errTooManyInformational
		}
	}
}

// Read is what the read buffer reads from: first what c.first holds, then the connection,
// no more than the headers' limit.
func (c *conn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		c.limit -= int64(n)
		return n, nil
	}
	if c.limit <= 0 {
		return 0, errHeadersTooLong
	}
	if int64(len(p)) > c.limit {
		p = p[:c.limit]
	}
	n, err := c.nc.Read(p)
	c.limit -= int64(n)
	return n, err
}

// Write is what the write buffer writes to; it counts what left.
func (c *conn) Write(p []byte) (int, error) {
	n, err := c.nc.Write(p)
	c.written += int64(n)
	return n, err
}

// giveBack ends the request: the read buffer back to its pool, the connection back to the
// idle pool when it can serve another request, else closed.
func (c *conn) giveBack(br *bufio.Reader, stop func() bool, closeAfter bool) {
	reusable := stop() && !closeAfter && br.Buffered() == 0
	putReader(br)
	if reusable {
		c.t.pool.put(c)
		return
	}
	c.close()
}

// cancel ends the request the context of which is done: every read and write returns.
func (c *conn) cancel() {
	c.mu.Lock()
	c.cancelled = true
	_ = c.nc.SetDeadline(aLongTimeAgo)
	c.mu.Unlock()
}

// setReadDeadline sets the read deadline unless the request was cancelled.
func (c *conn) setReadDeadline(d time.Time) {
	c.mu.Lock()
	if !c.cancelled {
		_ = c.nc.SetReadDeadline(d)
	}
	c.mu.Unlock()
}

func (c *conn) close() { _ = c.nc.Close() }

// failed is the error of a request that failed with err: the context's error when it was
// cancelled, a timeout when the answer's headers did not come in time.
func (c *conn) failed(ctx context.Context, what string, err error) error {
	c.mu.Lock()
	cancelled := c.cancelled
	c.mu.Unlock()
	switch {
	case cancelled:
		return fmt.Errorf("h1: %s %s: %w", what, c.key.host, context.Cause(ctx))
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &timeoutError{host: c.key.host}
	default:
		return fmt.Errorf("h1: %s %s: %w", what, c.key.host, err)
	}
}

func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}
