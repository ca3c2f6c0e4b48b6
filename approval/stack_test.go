//go:build !race

package approval_test

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/resetbot/resetbot/internal/stacktest"
	"github.com/resetbot/resetbot/policy"
)

// submitFramesKiB is the most stack Submit may hold above its directory's lookup: the frames
// that stay on a worker's stack while Cognito answers (see cognito's
// TestAWaitingLookupFitsAWorkersStack, which leaves the bot's and the workflow's frames 10 KiB
// in all).
const submitFramesKiB = 4

// TestSubmitHoldsLittleStackAboveItsLookup: from Submit to the directory's Lookup, the
// workflow's frames take at most submitFramesKiB. Read as the distance between a local of the
// caller and one of the lookup, on a stack grown first to 64 KiB with the collector off, so
// that nothing moves it in between (which the test checks). It does not run under the race
// detector, whose frames are larger; scripts/test runs it without.
func TestSubmitHoldsLittleStackAboveItsLookup(t *testing.T) {
	h := newHarness(t)
	var caller, lookup uintptr
	h.dir.mu.Lock()
	h.dir.holdLookup = func(context.Context) { lookup = stacktest.Here() }
	h.dir.mu.Unlock()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var (
		moved bool
		err   error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		stacktest.Use(40)
		caller = stacktest.Here()
		_, err = h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
		moved = stacktest.Here() != caller
	}()
	<-done
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if moved || lookup == 0 || lookup > caller {
		t.Fatalf("the stack moved, or the lookup was not reached (caller %#x, lookup %#x): the test cannot tell", caller, lookup)
	}
	t.Logf("%d B from Submit's caller to the directory's lookup", caller-lookup)
	if depth := caller - lookup; depth > submitFramesKiB<<10 {
		t.Errorf("Submit holds %d B of stack above its directory's lookup, more than %d KiB", depth, submitFramesKiB)
	}
}
