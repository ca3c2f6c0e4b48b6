package main

import (
	"net"
	"net/http"
	"time"

	"github.com/resetbot/resetbot/internal/h1"
)

// Timeouts of the shared HTTP transport; each call has its own deadline on top (Cognito's
// call timeout, the Slack transport's per attempt).
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 30 * time.Second
	// idleConnTimeout closes a connection no call has used for that long. Under load a
	// connection is used again within milliseconds, so it stays; after a busy period the
	// hundreds it opened (each two goroutines and their buffers) are closed within seconds
	// rather than held for Go's default 90 s.
	idleConnTimeout = 10 * time.Second
)

// newHTTPTransport is the transport the AWS SDK and the Slack client share. It keeps as many
// idle connections per host as the work pool runs work at once, so that a busy bot reuses its
// connections instead of opening one per call (Go's default keeps 2 per host, the AWS SDK's
// 10).
func newHTTPTransport(workers int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = tlsHandshakeTimeout
	t.ResponseHeaderTimeout = responseHeaderTimeout
	t.IdleConnTimeout = idleConnTimeout
	t.MaxIdleConnsPerHost = workers
	t.MaxIdleConns = 2 * workers // Slack and Cognito, per region in use
	return t
}

// newCognitoTransport is the transport of the Cognito calls (internal/h1): HTTP/1.1 spoken on
// the goroutine that makes the call, so that a call waiting for Cognito holds its goroutine
// and its connection's socket, and no goroutine or buffer of the connection's own. Under load
// about a thousand calls wait at once (Cognito's latency times the calls a second), and with
// net/http's transport each held two goroutines and 8 KiB of buffers besides. It keeps as many
// idle connections as the workers make calls at once (a lookup reads the user and their groups
// at once), with the shared transport's timeouts. A Cognito endpoint the environment gives a
// proxy for (HTTPS_PROXY, NO_PROXY) is called through the shared transport instead. Each
// connection it opens is reported to opened.
func newCognitoTransport(workers int, shared *http.Transport, opened func()) (*h1.Transport, error) {
	return h1.New(h1.Config{
		DialTimeout:           dialTimeout,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: responseHeaderTimeout,
		IdleTimeout:           idleConnTimeout,
		MaxIdle:               2 * workers,
		ProxyTransport:        shared,
		ObserveDial:           opened,
	})
}
