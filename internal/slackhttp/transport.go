package slackhttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of Config.
const (
	// DefaultAttemptTimeout bounds one HTTP exchange with Slack.
	DefaultAttemptTimeout = 15 * time.Second
	// DefaultCallTimeout bounds a call, its waits and retries included, whose context has no
	// deadline.
	DefaultCallTimeout = 5 * time.Minute
	// firstBackoff and maxBackoff bound the wait between tries after a transient failure.
	firstBackoff = 250 * time.Millisecond
	maxBackoff   = 10 * time.Second
	// defaultRetryAfter is the wait after a 429 that names none; maxRetryAfter (seconds)
	// caps what a 429 may name, past any call's deadline anyway.
	defaultRetryAfter = time.Second
	maxRetryAfter     = 24 * 60 * 60
	// maxBody is the largest request body the transport holds to send again.
	maxBody = 8 << 20
)

// orderedMethods are the methods whose calls go one at a time per channel, in the order they
// were made, so that a card and the replies in its thread keep their order under rate limits.
var orderedMethods = map[string]bool{"chat.postMessage": true}

// Config is what a Transport needs.
type Config struct {
	// Base sends each attempt; default a clone of http.DefaultTransport.
	Base http.RoundTripper
	// Logger is required.
	Logger *slog.Logger
	// AttemptTimeout bounds each attempt; default DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// CallTimeout bounds a call whose context has no deadline; default DefaultCallTimeout.
	CallTimeout time.Duration
	// Now and Sleep are the clock of Retry-After and backoff waits; default the wall clock.
	// Sleep returns early with ctx's error when ctx ends.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// ObserveRetry, when set, is told each time a call is sent again, by method and why:
	// "ratelimited", "server_error" or "connection".
	ObserveRetry func(method, reason string)
}

// Transport is an http.RoundTripper for Slack's Web API; see the package doc.
type Transport struct {
	cfg   Config
	gates gates
}

// New returns a Transport.
func New(cfg Config) (*Transport, error) {
	if cfg.Logger == nil {
		return nil, errors.New("slackhttp: new: no logger")
	}
	if cfg.Base == nil {
		cfg.Base = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = Sleep
	}
	return &Transport{cfg: cfg}, nil
}

// Sleep waits d of wall-clock time, or until ctx ends (its error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RoundTrip sends req, waiting out rate limits and retrying transient failures within the
// call's deadline. When the deadline leaves no room for the wait Slack asks for, it returns
// Slack's last answer (a 429 or a 5xx) as it came.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	method := path.Base(req.URL.Path)
	key := method
	if orderedMethods[method] {
		ch, err := requestChannel(req, body)
		if err != nil {
			return nil, err
		}
		key += "\x00" + ch
	}
	ctx := req.Context()
	cancel := context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		ctx, cancel = context.WithTimeout(ctx, t.cfg.CallTimeout)
	}
	resp, err := t.call(ctx, req, body, method, key)
	if resp == nil {
		cancel()
		return nil, err
	}
	if err == nil && resp.StatusCode == http.StatusOK && echoMethods[method] {
		if err := dropEcho(resp); err != nil {
			cancel()
			return nil, fmt.Errorf("slack %s: reading the answer: %w", method, err)
		}
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, err
}

// call holds the window of key (its turn, for ordered methods) and tries until an answer that
// is not to be retried, or until ctx leaves no room for another try.
func (t *Transport) call(ctx context.Context, req *http.Request, body []byte, method, key string) (*http.Response, error) {
	gt := t.gates.acquire(key, t.cfg.Now())
	defer func() { t.gates.release(key, gt, t.cfg.Now()) }()
	if orderedMethods[method] {
		select {
		case gt.turn <- struct{}{}:
			defer func() { <-gt.turn }()
		case <-ctx.Done():
			return nil, fmt.Errorf("slack %s: waiting for the channel's turn: %w", method, ctx.Err())
		}
	}
	backoff := firstBackoff
	for {
		if wait := t.gates.wait(gt, t.cfg.Now()); wait > 0 {
			if !roomFor(ctx, wait) {
				return nil, fmt.Errorf("slack %s: rate limited for %s, past the call's deadline", method, wait)
			}
			if err := t.cfg.Sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("slack %s: waiting out a rate limit: %w", method, err)
			}
		}
		resp, cancelAttempt, err := t.attempt(ctx, req, body)
		var wait time.Duration
		var reason string
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, err
			}
			wait, reason = backoff, "connection"
		case resp.StatusCode == http.StatusTooManyRequests:
			wait, reason = retryAfter(resp.Header.Get("Retry-After")), "ratelimited"
			t.gates.closeUntil(gt, t.cfg.Now().Add(wait))
		case resp.StatusCode >= 500:
			wait, reason = backoff, "server_error"
		default:
			resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancelAttempt}
			return resp, nil
		}
		if !roomFor(ctx, wait) {
			t.cfg.Logger.WarnContext(ctx, "giving up a Slack call: its deadline comes before the next try",
				"method", method, "reason", reason, "wait", wait.String(), "err", err)
			if resp != nil {
				resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancelAttempt}
			}
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
		cancelAttempt()
		t.cfg.Logger.DebugContext(ctx, "trying a Slack call again", "method", method, "reason", reason, "wait", wait.String(), "err", err)
		if t.cfg.ObserveRetry != nil {
			t.cfg.ObserveRetry(method, reason)
		}
		if reason != "ratelimited" {
			if err := t.cfg.Sleep(ctx, wait); err != nil {
				return nil, fmt.Errorf("slack %s: waiting to try again: %w", method, err)
			}
			backoff = min(2*backoff, maxBackoff)
		}
	}
}

// roomFor reports whether ctx's deadline (on the wall clock, as contexts keep it) leaves time
// to wait d.
func roomFor(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// attempt sends the request once under the attempt's own deadline; the returned cancel ends
// that deadline and must be called once the answer's body is read.
func (t *Transport) attempt(ctx context.Context, req *http.Request, body []byte) (*http.Response, context.CancelFunc, error) {
	actx, cancel := context.WithTimeout(ctx, t.cfg.AttemptTimeout)
	r := req.Clone(actx)
	if body == nil && req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, func() {}, fmt.Errorf("slackhttp: opening the request body again: %w", err)
		}
		r.Body = b
	}
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	resp, err := t.cfg.Base.RoundTrip(r)
	if err != nil {
		cancel()
		return nil, func() {}, err
	}
	return resp, cancel, nil
}

// readBody reads and closes the request's body, to send it again if need be. A body the
// request can open again itself (GetBody, with a known length: slack-go's forms are strings,
// which GetBody reopens without a copy) is only closed: each attempt opens it again, and nil
// is returned.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer func() { _ = req.Body.Close() }()
	if req.GetBody != nil && req.ContentLength > 0 {
		if req.ContentLength > maxBody {
			return nil, fmt.Errorf("slackhttp: request body over %d bytes", maxBody)
		}
		return nil, nil
	}
	b, err := readAll(req.Body, req.ContentLength, maxBody+1)
	if err != nil {
		return nil, fmt.Errorf("slackhttp: reading the request body: %w", err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("slackhttp: request body over %d bytes", maxBody)
	}
	return b, nil
}

// requestChannel is the channel a request is about (see channelOf): its body is body, or when
// that is nil what GetBody opens, read into a pooled buffer for as long as it is looked at.
func requestChannel(req *http.Request, body []byte) (string, error) {
	if body != nil || req.GetBody == nil {
		return channelOf(req, body), nil
	}
	r, err := req.GetBody()
	if err != nil {
		return "", fmt.Errorf("slackhttp: opening the request body again: %w", err)
	}
	defer func() { _ = r.Close() }()
	buf := takeBuf()
	defer giveBuf(buf)
	if _, err := buf.ReadFrom(io.LimitReader(r, maxBody)); err != nil {
		return "", fmt.Errorf("slackhttp: reading the request body: %w", err)
	}
	return strings.Clone(channelOf(req, buf.Bytes())), nil
}

// bodyBufs are the buffers bodies are read into for a moment: a request's, to find its
// channel, and Slack's answer whose echo is cut out, until its body is closed.
var bodyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// takeBuf takes an empty buffer from bodyBufs.
func takeBuf() *bytes.Buffer { return bodyBufs.Get().(*bytes.Buffer) }

// giveBuf empties buf and gives it back to bodyBufs.
func giveBuf(buf *bytes.Buffer) {
	buf.Reset()
	bodyBufs.Put(buf)
}

// retryAfter reads a Retry-After header (whole seconds, as Slack sends it); a missing or
// unreadable one means defaultRetryAfter.
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return defaultRetryAfter
	}
	n = min(n, maxRetryAfter)
	return max(time.Duration(n)*time.Second, defaultRetryAfter)
}

// cancelOnClose ends a deadline once the body it bounds is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// readAll reads at most limit bytes of r into a buffer sized once from size, the length the
// body declares (-1 or 0 when unknown), instead of growing it as io.ReadAll does: a card's
// form is read without copying it over and over.
func readAll(r io.Reader, size, limit int64) ([]byte, error) {
	if size <= 0 || size >= limit {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	_, err := buf.ReadFrom(io.LimitReader(r, limit))
	return buf.Bytes(), err
}
