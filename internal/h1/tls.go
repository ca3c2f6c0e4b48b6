package h1

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"
)

// tlsConfigs holds a TLS configuration per server name, all sharing one session cache so
// that a new connection to a host resumes an earlier session instead of a full handshake.
type tlsConfigs struct {
	base   *tls.Config
	mu     sync.Mutex
	byName map[string]*tls.Config
}

func (c *tlsConfigs) init(base *tls.Config, sessions int) {
	if base == nil {
		base = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	c.base = base.Clone()
	if c.base.ClientSessionCache == nil {
		c.base.ClientSessionCache = tls.NewLRUClientSessionCache(sessions)
	}
	c.base.NextProtos = []string{"http/1.1"}
	c.byName = map[string]*tls.Config{}
}

// forName is the configuration of connections to the server named name.
func (c *tlsConfigs) forName(name string) *tls.Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg, ok := c.byName[name]
	if !ok {
		cfg = c.base.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = name
		}
		c.byName[name] = cfg
	}
	return cfg
}

// handshake runs TLS over raw, bounded by ctx, and checks that the server speaks HTTP/1.1.
func handshake(ctx context.Context, raw net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("h1: TLS handshake with %s: %w", cfg.ServerName, err)
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "" && p != "http/1.1" {
		_ = tc.Close()
		return nil, fmt.Errorf("h1: %s chose protocol %q, not http/1.1", cfg.ServerName, p)
	}
	return tc, nil
}
