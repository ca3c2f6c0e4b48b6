package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// pingCache is how long Ping's answer is reused: /readyz may be asked often, by several
// probes, and the answer of a second ago is still true enough.
const pingCache = time.Second

// health is what the store knows of its own state for readiness: the last write refused for
// lack of space (remembered until a write succeeds), and the last read check.
type health struct {
	now func() time.Time

	mu        sync.Mutex
	full      error // a write refused for lack of space; nil once a write succeeds again
	checkedAt time.Time
	checked   error
}

// wrote is told the outcome of each write: a refusal for lack of space is remembered, a
// success forgets it. Other failures say nothing about space.
func (h *health) wrote(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil:
		h.full = nil
	case isFull(err):
		h.full = err
	}
}

// isFull reports whether err is SQLite's SQLITE_FULL or the system's ENOSPC.
func isFull(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) && coded.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// check answers from the last write refused for lack of space, else from read, run at most
// once per pingCache.
func (h *health) check(ctx context.Context, read func(ctx context.Context) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.full != nil {
		return fmt.Errorf("the last write was refused for lack of space, and none has succeeded since: %w", h.full)
	}
	now := h.now()
	if !h.checkedAt.IsZero() && now.Sub(h.checkedAt) < pingCache {
		return h.checked
	}
	h.checked, h.checkedAt = read(ctx), now
	return h.checked
}
