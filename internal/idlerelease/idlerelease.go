// Package idlerelease gives memory back once a busy process falls quiet.
//
// A bot that has just worked through a burst holds what the burst needed: the Go heap it grew
// (collected only when it next allocates, or after two minutes), the idle HTTP connections it
// opened (each with two goroutines and their buffers) and its store's caches. A Watcher follows
// the work in flight (Observe, called with +1 and -1 as the work pool's pieces start and end)
// and, when work that reached Config.Busy pieces at once has been followed by Config.Quiet with
// none, runs Config.Release once. It never runs while work is in flight, never after a period
// that was not busy, and at most once per Config.Gap, so a steady light load never pays for it.
//
// To release something more, add it to the Release function the process hands the Watcher.
package idlerelease

import (
	"errors"
	"sync"
	"time"
)

// Config says when to release and what.
type Config struct {
	// Quiet is how long no work may run before the release (> 0).
	Quiet time.Duration
	// Gap is the least time between two releases (>= 0).
	Gap time.Duration
	// Busy is how many pieces of work must have run at once since the last release for the
	// period to count as busy (>= 1).
	Busy int
	// Release gives the memory back. It runs on a goroutine of its own, never twice at once.
	Release func()
}

// Watcher follows the work in flight and releases after a busy period. Its zero value is not
// usable: make one with New.
type Watcher struct {
	cfg Config

	mu       sync.Mutex
	inFlight int         // guarded by mu
	peak     int         // most in flight at once since the last release; guarded by mu
	idleAt   time.Time   // when inFlight last fell to 0; guarded by mu
	last     time.Time   // when the last release ran; guarded by mu
	timer    *time.Timer // armed while a release is due; guarded by mu
	running  bool        // a release is running; guarded by mu
	stopped  bool        // Stop was called; guarded by mu
}

// New checks cfg and returns a Watcher.
func New(cfg Config) (*Watcher, error) {
	switch {
	case cfg.Quiet <= 0:
		return nil, errors.New("idlerelease: Quiet must be positive")
	case cfg.Gap < 0:
		return nil, errors.New("idlerelease: Gap must not be negative")
	case cfg.Busy < 1:
		return nil, errors.New("idlerelease: Busy must be at least 1")
	case cfg.Release == nil:
		return nil, errors.New("idlerelease: Release is nil")
	}
	return &Watcher{cfg: cfg}, nil
}

// Observe follows the work in flight: +1 when a piece starts, -1 when it ends.
func (w *Watcher) Observe(delta int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inFlight += delta
	w.peak = max(w.peak, w.inFlight)
	if w.inFlight > 0 || delta >= 0 {
		return
	}
	w.idleAt = time.Now()
	if w.peak >= w.cfg.Busy && w.timer == nil && !w.stopped {
		w.timer = time.AfterFunc(w.wait(), w.fire)
	}
}

// wait is how long from now the release is due: Quiet after the work stopped, and no sooner
// than Gap after the last release. Called with mu held.
func (w *Watcher) wait() time.Duration {
	now := time.Now()
	due := w.idleAt.Add(w.cfg.Quiet)
	if !w.last.IsZero() {
		due = later(due, w.last.Add(w.cfg.Gap))
	}
	return max(due.Sub(now), 0)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// fire runs the release when it is still due: no work in flight, Quiet since the last piece
// ended. Work that came and went in the meantime moved idleAt, so the timer is armed again.
func (w *Watcher) fire() {
	w.mu.Lock()
	w.timer = nil
	if w.stopped || w.running || w.inFlight > 0 || w.peak < w.cfg.Busy {
		w.mu.Unlock()
		return
	}
	if d := w.wait(); d > 0 {
		w.timer = time.AfterFunc(d, w.fire)
		w.mu.Unlock()
		return
	}
	w.peak, w.running, w.last = 0, true, time.Now()
	w.mu.Unlock()

	w.cfg.Release()

	w.mu.Lock()
	w.running = false
	w.mu.Unlock()
}

// Stop cancels a release that is due; none runs after Stop returns, except one already
// running.
func (w *Watcher) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
}
