package idlerelease

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

const (
	quiet = time.Second
	gap   = 30 * time.Second
	busy  = 4
)

// watch makes a Watcher inside a synctest bubble, counting its releases.
func watch(t *testing.T) (*Watcher, *atomic.Int32) {
	t.Helper()
	var released atomic.Int32
	w, err := New(Config{Quiet: quiet, Gap: gap, Busy: busy, Release: func() { released.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w, &released
}

// burst starts n pieces of work at once and ends them.
func burst(w *Watcher, n int) {
	for range n {
		w.Observe(1)
	}
	for range n {
		w.Observe(-1)
	}
}

// after lets d pass and every timer due run.
func after(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func TestReleasesOnceQuietAfterABusyPeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, released := watch(t)
		burst(w, busy)
		after(quiet - time.Millisecond)
		if got := released.Load(); got != 0 {
			t.Fatalf("%d releases before the quiet period ended", got)
		}
		after(time.Millisecond)
		if got := released.Load(); got != 1 {
			t.Fatalf("%d releases once quiet, want 1", got)
		}
		after(10 * gap)
		if got := released.Load(); got != 1 {
			t.Errorf("%d releases with nothing more done, want 1", got)
		}
	})
}

func TestNeverWhileWorkRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, released := watch(t)
		burst(w, busy)
		after(quiet / 2)
		w.Observe(1) // work comes back before the bot was quiet for long
		after(5 * quiet)
		if got := released.Load(); got != 0 {
			t.Fatalf("%d releases with work in flight", got)
		}
		w.Observe(-1)
		after(quiet / 2)
		if got := released.Load(); got != 0 {
			t.Fatalf("%d releases half a quiet period after the work ended", got)
		}
		after(quiet / 2)
		if got := released.Load(); got != 1 {
			t.Errorf("%d releases a quiet period after the work ended, want 1", got)
		}
	})
}

func TestNotAfterLightWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, released := watch(t)
		for range 100 { // a steady trickle, never busy pieces at once
			burst(w, busy-1)
			after(2 * quiet)
		}
		if got := released.Load(); got != 0 {
			t.Errorf("%d releases after light work", got)
		}
	})
}

func TestAtMostOncePerGap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, released := watch(t)
		start := time.Now()
		burst(w, busy)
		after(quiet)
		burst(w, busy)
		after(quiet)
		if got := released.Load(); got != 1 {
			t.Fatalf("%d releases after two busy periods close together, want 1", got)
		}
		after(time.Until(start.Add(quiet + gap)))
		if got := released.Load(); got != 2 {
			t.Errorf("%d releases a gap after the first, want 2", got)
		}
	})
}

func TestStopCancelsADueRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, released := watch(t)
		burst(w, busy)
		w.Stop()
		after(10 * quiet)
		burst(w, busy)
		after(10 * quiet)
		if got := released.Load(); got != 0 {
			t.Errorf("%d releases after Stop", got)
		}
	})
}

func TestNewRefusesABadConfig(t *testing.T) {
	release := func() {}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no quiet period", Config{Gap: gap, Busy: busy, Release: release}},
		{"negative gap", Config{Quiet: quiet, Gap: -1, Busy: busy, Release: release}},
		{"busy below 1", Config{Quiet: quiet, Gap: gap, Release: release}},
		{"no release", Config{Quiet: quiet, Gap: gap, Busy: busy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); err == nil {
				t.Error("accepted")
			}
		})
	}
}
