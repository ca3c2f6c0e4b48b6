package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// A server that restarted or failed over has closed every connection the pool holds. The pool
// pings a connection that sat idle for more than a second before handing it out, but one used
// within the last second is handed out as it is, and the first statement on it fails. Reads
// (SELECTs, which change nothing) are therefore run again once on a fresh connection when
// their connection turned out broken, so that a failover shows no error once the new server is
// up. A write is run again only when its statement certainly never left the client
// (pgconn.SafeToRetry): one that may have reached the server may have committed.

// retryRead runs the read fn, and once more when its connection was broken.
func (s *DB) retryRead(ctx context.Context, what string, fn func(context.Context) error) error {
	return s.retry(ctx, what, brokenConn, fn)
}

// retryWrite runs the write fn, and once more when it was certainly never sent.
func (s *DB) retryWrite(ctx context.Context, what string, fn func(context.Context) error) error {
	return s.retry(ctx, what, pgconn.SafeToRetry, fn)
}

func (s *DB) retry(ctx context.Context, what string, again func(error) bool, fn func(context.Context) error) error {
	err := fn(ctx)
	if err == nil || ctx.Err() != nil || !again(err) {
		return err
	}
	// Whatever broke this connection (a restart, a failover) broke the others too: close them
	// all (those in use once they are returned), so the second try opens a new one.
	s.pool.Reset()
	s.log.Info("a database connection was broken; trying again on a new one", "op", what, "err", err)
	return fn(ctx)
}

// brokenConn reports whether err says the connection broke under the statement, rather than
// that the statement failed, the server is unreachable (a new connection would not help) or
// time ran out.
func brokenConn(err error) bool {
	var (
		pe *pgconn.PgError
		ce *pgconn.ConnectError
	)
	switch {
	case errors.As(err, &ce), pgconn.Timeout(err), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return false
	case pgconn.SafeToRetry(err):
		return true
	case errors.As(err, &pe):
		// The server ended the session: shutting down (57P01, 57P02) or a connection
		// exception (08…) sent as the connection closed.
		return pe.Code == "57P01" || pe.Code == "57P02" || len(pe.Code) == 5 && pe.Code[:2] == "08"
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}
