//go:build !race

package cognito_test

import (
	"runtime/debug"
	"testing"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/internal/stacktest"
)

// workflowKiB is the stack a worker may hold above a Cognito lookup, the bot's and the
// workflow's frames, for the lookup's own frames to fit with them in 32 KiB. Before the
// lookup's frames were trimmed, 8 KiB did not fit.
const workflowKiB = 10

// TestAWaitingLookupFitsAWorkersStack: a lookup made by a worker that holds workflowKiB of
// frames of its own does not grow the worker's stack past 32 KiB. Go doubles a stack that
// needs more, and under load hundreds of workers wait for Cognito at once: crossing the line
// (a middleware more, a large frame in the path) doubles the stacks the collector scans.
//
// A stack that grows is copied to a new place, so the test reads whether a local variable's
// address changed across the lookup, on a goroutine whose stack was first grown to 32 KiB,
// with the collector (which may shrink a stack, and move it too) off meanwhile. It does not
// run under the race detector, whose frames are larger; scripts/test runs it without.
func TestAWaitingLookupFitsAWorkersStack(t *testing.T) {
	srv := aliceServer(t, nil)
	c := cognito.New(cfg(), cognito.Options{Endpoint: srv.URL, Retryer: noBackoff()})
	lookup := func() {
		if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
			t.Error(err)
		}
	}
	lookup() // the first resolves the endpoint and opens the connections

	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var grew, canTell bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		stacktest.Use(20) // more than 16 KiB: the stack is 32 KiB from here on
		stacktest.Use(workflowKiB, func() { grew = stacktest.Moves(lookup) })
		canTell = stacktest.Moves(func() { stacktest.Use(40) })
	}()
	<-done
	switch {
	case grew:
		t.Errorf("a lookup under %d KiB of a worker's frames grew the worker's stack past 32 KiB", workflowKiB)
	case !canTell:
		t.Fatal("40 KiB of frames did not grow the goroutine's stack either: it did not start at 32 KiB, and the test cannot tell")
	}
}
