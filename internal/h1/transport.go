package h1

import (
	"errors"
	"fmt"
	"net/http"
)

// Transport is an http.RoundTripper that speaks HTTP/1.1 (plain or over TLS) on the calling
// goroutine and keeps idle connections for reuse. It is safe for concurrent use.
type Transport struct {
	cfg  Config
	tls  tlsConfigs
	pool pool
}

var _ http.RoundTripper = (*Transport)(nil)

// New returns a Transport.
func New(cfg Config) (*Transport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	t := &Transport{cfg: cfg}
	t.tls.init(cfg.TLSClientConfig, cfg.MaxIdle)
	t.pool.init(cfg.MaxIdle, cfg.IdleTimeout)
	return t, nil
}

// RoundTrip makes one HTTP request on an idle connection to its host or a new one. The
// response's body gives the connection back once read to its end, or closes it when closed
// before its end.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	k, err := keyOf(req)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	proxy, err := t.cfg.Proxy(req)
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("h1: choosing a proxy for %s: %w", req.URL.Host, err)
	}
	if proxy != nil {
		if t.cfg.ProxyTransport == nil {
			closeBody(req)
			return nil, fmt.Errorf("h1: %s is to be reached through a proxy, and no proxy transport is set", req.URL.Host)
		}
		return t.cfg.ProxyTransport.RoundTrip(req)
	}
	for {
		c, err := t.conn(req.Context(), k)
		if err != nil {
			closeBody(req)
			return nil, err
		}
		resp, err := c.roundTrip(req)
		if err == nil {
			return resp, nil
		}
		// The server closed a connection it held idle while the request was being written, and
		// none of the request left: send it on another, as net/http does.
		if !c.reused || c.written > 0 || req.Context().Err() != nil {
			return nil, err
		}
		if req, err = rewound(req); err != nil {
			return nil, err
		}
	}
}

// CloseIdleConnections closes the connections no call is using.
func (t *Transport) CloseIdleConnections() { t.pool.closeAll() }

// rewound is req with a new copy of its body, to be sent again.
func rewound(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	if req.GetBody == nil {
		return nil, errors.New("h1: the connection closed before the request was sent, and its body cannot be read again")
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("h1: reading the request body again: %w", err)
	}
	again := *req
	again.Body = body
	return &again, nil
}

// closeBody closes the request's body, as a RoundTripper must even when it fails.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
