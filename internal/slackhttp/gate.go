package slackhttp

import (
	"sync"
	"time"
)

// gate is one rate-limit window of Slack's (a method, or a method in a channel): the time
// before which no call of the window may go, and, for windows kept in order, the turn that
// lets one call at a time through.
type gate struct {
	until time.Time     // guarded by gates.mu
	users int           // calls holding the gate; guarded by gates.mu
	turn  chan struct{} // capacity 1: a FIFO lock, since blocked senders are woken in order
}

// gates are the windows with calls in them; a window no call holds is forgotten, so the map
// stays as small as the calls in flight.
type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

// pruneAt is how many windows are remembered before those whose Retry-After ran out with no
// call holding them are forgotten.
const pruneAt = 1024

// pruneLocked forgets the windows nothing holds or waits for; g.mu held.
func (g *gates) pruneLocked(now time.Time) {
	for k, gt := range g.m {
		if gt.users == 0 && !now.Before(gt.until) {
			delete(g.m, k)
		}
	}
}

// acquire returns the gate of key, held until release.
func (g *gates) acquire(key string, now time.Time) *gate {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]*gate{}
	}
	if len(g.m) >= pruneAt {
		g.pruneLocked(now)
	}
	gt, ok := g.m[key]
	if !ok {
		gt = &gate{turn: make(chan struct{}, 1)}
		g.m[key] = gt
	}
	gt.users++
	return gt
}

// release lets go of the gate of key; the last user forgets it unless its Retry-After still
// runs, which later calls must still honour.
func (g *gates) release(key string, gt *gate, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	gt.users--
	if gt.users == 0 && !now.Before(gt.until) {
		delete(g.m, key)
	}
}

// wait returns how long from now the gate stays closed.
func (g *gates) wait(gt *gate, now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return max(gt.until.Sub(now), 0)
}

// closeUntil closes the gate until t (never shortening it).
func (g *gates) closeUntil(gt *gate, t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(gt.until) {
		gt.until = t
	}
}
