package slacktest_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestFakeClock(t *testing.T) {
	c := slacktest.NewFakeClock(epoch)
	var fired []string
	at := func(name string) func() {
		return func() { fired = append(fired, name+"@"+c.Now().Sub(epoch).String()) }
	}
	c.AfterFunc(3*time.Second, at("c"))
	c.AfterFunc(time.Second, func() {
		at("a")()
		c.AfterFunc(time.Second, at("b")) // registered by a timer, due within the same Advance
	})
	stopped := c.AfterFunc(2*time.Second, at("never"))
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop should report true once")
	}
	c.Advance(2500 * time.Millisecond)
	if diff := cmp.Diff([]string{"a@1s", "b@2s"}, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
	if got := c.Now().Sub(epoch); got != 2500*time.Millisecond {
		t.Errorf("now = +%v, want +2.5s", got)
	}
	if c.Pending() != 1 {
		t.Errorf("pending = %d, want 1", c.Pending())
	}
	c.Set(epoch) // never backwards
	if c.Now().Before(epoch.Add(2500 * time.Millisecond)) {
		t.Error("Set moved the clock backwards")
	}
	c.Advance(time.Second)
	if diff := cmp.Diff([]string{"a@1s", "b@2s", "c@3s"}, fired); diff != "" {
		t.Errorf("fired (-want +got):\n%s", diff)
	}
}
