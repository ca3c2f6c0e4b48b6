package slacktest

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is the time source of Slack's own deadlines: the 3-second ack window, the 3-second life
// of a trigger_id, the redelivery of unacknowledged events and the rate-limit windows. Tests pass
// a *FakeClock to step through those deadlines without sleeping. WebSocket pings and injected
// latency run on real time, because the clients measure them on theirs.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed, unless the timer is stopped first. The wall clock calls
	// it in a goroutine of its own; FakeClock calls it inside Advance. f must not block.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call; it reports whether it did (false if it already ran or was stopped).
	Stop() bool
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// FakeClock is a Clock that moves only when Advance or Set is called. Due timers run
// synchronously inside Advance, in deadline order, so that when Advance returns every effect of
// the deadlines it passed (an expired ack, a redelivered event) has happened.
type FakeClock struct {
	mu       sync.Mutex
	now      time.Time
	seq      int
	timers   map[int]*fakeTimer
	sleepers int
}

type fakeTimer struct {
	clock *FakeClock
	id    int
	when  time.Time
	f     func()
}

// NewFakeClock returns a FakeClock that reads start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, timers: map[int]*fakeTimer{}}
}

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc registers f to run when the clock reaches Now()+d.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{clock: c, id: c.seq, when: c.now.Add(d), f: f}
	c.timers[t.id] = t
	return t
}

// Stop removes the timer if it has not run.
func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	if _, ok := t.clock.timers[t.id]; !ok {
		return false
	}
	delete(t.clock.timers, t.id)
	return true
}

// Sleep blocks until the clock has moved d forward, or until ctx ends (returning its error):
// the app under test waits on it where it would sleep, say for a Retry-After, so that the test
// steps the app's waits and the fake's windows together.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	done := make(chan struct{})
	t := c.AfterFunc(d, func() { close(done) })
	c.mu.Lock()
	c.sleepers++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.sleepers--
		c.mu.Unlock()
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}

// AdvanceWhileSleeping moves the clock forward by step whenever a Sleep waits on it, until done
// reports true (nil) or ctx ends (its error). It drives an app that waits out the fake's
// Retry-Afters on this clock through them, a window at a time, while its other work runs.
func (c *FakeClock) AdvanceWhileSleeping(ctx context.Context, step time.Duration, done func() bool) error {
	poll := time.NewTicker(time.Millisecond)
	defer poll.Stop()
	for !done() {
		if c.Sleepers() > 0 {
			c.Advance(step)
			continue
		}
		select {
		case <-poll.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Sleepers reports how many calls of Sleep are waiting.
func (c *FakeClock) Sleepers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sleepers
}

// Pending reports how many timers wait on the clock.
func (c *FakeClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock forward by d and runs every timer that fell due, in order of deadline.
// Timers that a running timer registers run too if they fall within the new time.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	c.Set(target)
}

// Set moves the clock to t (never backwards) and runs the timers that fell due.
func (c *FakeClock) Set(t time.Time) {
	for {
		c.mu.Lock()
		next := c.nextDue(t)
		if next == nil {
			if t.After(c.now) {
				c.now = t
			}
			c.mu.Unlock()
			return
		}
		delete(c.timers, next.id)
		if next.when.After(c.now) {
			c.now = next.when
		}
		c.mu.Unlock()
		next.f()
	}
}

// nextDue returns the earliest timer due at or before t; c.mu must be held.
func (c *FakeClock) nextDue(t time.Time) *fakeTimer {
	due := make([]*fakeTimer, 0, len(c.timers))
	for _, tm := range c.timers {
		if !tm.when.After(t) {
			due = append(due, tm)
		}
	}
	if len(due) == 0 {
		return nil
	}
	sort.Slice(due, func(i, j int) bool {
		if due[i].when.Equal(due[j].when) {
			return due[i].id < due[j].id
		}
		return due[i].when.Before(due[j].when)
	})
	return due[0]
}
