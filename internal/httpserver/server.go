package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is the operational HTTP server on its own listener.
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// Listen binds addr (":0" picks a free port) and returns a server for h, not yet serving.
func Listen(addr string, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return &Server{
		ln:  ln,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second},
	}, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve serves until Shutdown; it returns nil after a Shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving http on %s: %w", s.ln.Addr(), err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for open requests until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stopping http server: %w", err)
	}
	return nil
}

// Close stops the server at once and releases the listener, whether or not Serve ran.
func (s *Server) Close() error {
	err := s.srv.Close()
	if lerr := s.ln.Close(); lerr != nil && !errors.Is(lerr, net.ErrClosed) {
		err = errors.Join(err, lerr)
	}
	if err != nil {
		return fmt.Errorf("closing http server: %w", err)
	}
	return nil
}
