//go:build unix

package h1

import (
	"errors"
	"net"
	"syscall"
)

// serverClosed reports whether the server has closed an idle connection (or sent on it,
// which HTTP/1.1 does not allow before a request): a peek at the socket that does not wait.
// A connection that does not give its socket is taken as open.
func serverClosed(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	closed := true
	var b [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		// The socket does not block (Go's sockets never do): nothing to read is EAGAIN.
		closed = !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EWOULDBLOCK)
		return true
	})
	return err != nil || closed
}
