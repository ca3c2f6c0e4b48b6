package h1

import (
	"bufio"
	"context"
	"errors"
	"io"
	"sync/atomic"
)

// States of a body.
const (
	bodyOpen int32 = iota
	bodyEnded
	bodyClosed
)

// body is an answer's body: read to its end, it gives its connection back; closed before, or
// failing, it closes it. Close may be called while a Read is blocked, from another goroutine:
// it closes the connection, and the read buffer, which the Read may still use, is left to the
// collector rather than to the pool.
type body struct {
	c          *conn
	br         *bufio.Reader
	rc         io.ReadCloser // net/http's body, reading from br
	stop       func() bool   // stops the request's cancellation
	closeAfter bool          // the connection ends with this answer
	ctx        context.Context
	state      atomic.Int32
}

func (b *body) Read(p []byte) (int, error) {
	switch b.state.Load() {
	case bodyEnded:
		return 0, io.EOF
	case bodyClosed:
		return 0, errBodyClosed
	}
	n, err := b.rc.Read(p)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		if b.state.CompareAndSwap(bodyOpen, bodyEnded) {
			b.c.giveBack(b.br, b.stop, b.closeAfter)
		}
	default:
		if b.state.CompareAndSwap(bodyOpen, bodyClosed) {
			b.stop()
			b.c.close()
		}
		err = b.c.failed(b.ctx, "reading the answer's body from", err)
	}
	return n, err
}

func (b *body) Close() error {
	if b.state.CompareAndSwap(bodyOpen, bodyClosed) {
		b.stop()
		b.c.close()
		return nil
	}
	b.state.CompareAndSwap(bodyEnded, bodyClosed)
	return nil
}
