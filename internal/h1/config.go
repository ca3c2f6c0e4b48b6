package h1

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Defaults of Config.
const (
	DefaultDialTimeout            = 30 * time.Second
	DefaultTLSHandshakeTimeout    = 10 * time.Second
	DefaultIdleTimeout            = 90 * time.Second
	DefaultMaxIdle                = 100
	DefaultMaxResponseHeaderBytes = 64 << 10
)

// Config sets up a Transport. The zero value is usable.
type Config struct {
	// DialTimeout bounds opening a TCP connection. Default DefaultDialTimeout.
	DialTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake of an https connection. Default
	// DefaultTLSHandshakeTimeout.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for the answer's headers once the request is
	// written. Zero: only the request's context bounds it.
	ResponseHeaderTimeout time.Duration
	// IdleTimeout closes a connection that has been idle that long. Default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxIdle is how many idle connections are kept, over all hosts; a connection given back
	// beyond it is closed. Default DefaultMaxIdle.
	MaxIdle int
	// MaxResponseHeaderBytes bounds the answer's status line and headers. Default
	// DefaultMaxResponseHeaderBytes.
	MaxResponseHeaderBytes int
	// TLSClientConfig is the base TLS configuration of https connections (roots, versions);
	// each host gets a copy with its ServerName and ALPN "http/1.1", and all share a session
	// cache unless it has one. Nil: Go's defaults.
	TLSClientConfig *tls.Config
	// DialContext opens TCP connections, under DialTimeout. Default: a net.Dialer with TCP
	// keep-alives.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Proxy says which proxy a request goes through, nil for none. Default
	// http.ProxyFromEnvironment.
	Proxy func(*http.Request) (*url.URL, error)
	// ObserveDial, when set, is told about every connection opened (after its TLS handshake).
	ObserveDial func()
	// ProxyTransport makes the requests Proxy gives a proxy for (such as a shared
	// *http.Transport with the same Proxy). Nil: such requests fail.
	ProxyTransport http.RoundTripper
}

// withDefaults is cfg with its zero fields set, or why it cannot be used.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.DialTimeout < 0 || cfg.TLSHandshakeTimeout < 0 || cfg.ResponseHeaderTimeout < 0 || cfg.IdleTimeout < 0 {
		return cfg, errors.New("h1: a timeout is negative")
	}
	if cfg.MaxIdle < 0 || cfg.MaxResponseHeaderBytes < 0 {
		return cfg, errors.New("h1: MaxIdle and MaxResponseHeaderBytes must not be negative")
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.TLSHandshakeTimeout == 0 {
		cfg.TLSHandshakeTimeout = DefaultTLSHandshakeTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxIdle == 0 {
		cfg.MaxIdle = DefaultMaxIdle
	}
	if cfg.MaxResponseHeaderBytes == 0 {
		cfg.MaxResponseHeaderBytes = DefaultMaxResponseHeaderBytes
	}
	if cfg.DialContext == nil {
		cfg.DialContext = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	}
	if cfg.Proxy == nil {
		cfg.Proxy = http.ProxyFromEnvironment
	}
	return cfg, nil
}
