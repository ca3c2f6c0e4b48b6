//go:build !race

package bot

import (
	"context"
	"runtime/debug"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/stacktest"
)

// botFramesKiB is the most stack a worker may hold from its start to the workflow's Submit:
// cognito's TestAWaitingLookupFitsAWorkersStack leaves the bot's and the workflow's frames
// 10 KiB in all, and approval's TestSubmitHoldsLittleStackAboveItsLookup holds the
// workflow's to 4.
const botFramesKiB = 6

// submitSpy is the workflow, telling at where its Submit is called.
type submitSpy struct {
	Workflow
	at func()
}

func (s submitSpy) Submit(ctx context.Context, sub approval.Submission) (*approval.Request, error) {
	s.at()
	return s.Workflow.Submit(ctx, sub)
}

// TestAWorkerHoldsLittleStackAboveSubmit: from the pool's worker to the workflow's Submit, a
// slash command's handling takes at most botFramesKiB of stack. Read as the distance between
// a local of a piece of work the one worker runs first and one of Submit's, on a stack grown
// first to 64 KiB with the collector off, so that nothing moves it in between (which the test
// checks). It does not run under the race detector, whose frames are larger; scripts/test
// runs it without.
func TestAWorkerHoldsLittleStackAboveSubmit(t *testing.T) {
	h := newHarness(t, withPool(1, 16))
	var top, submit uintptr
	h.botCfg.Workflow = submitSpy{Workflow: h.svc, at: func() { submit = stacktest.Here() }}
	h.restartBot()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))

	// The one worker runs this first, then the command's work on the same goroutine: it
	// returns once that is queued, and the worker takes what is queued before it leaves.
	started := make(chan struct{})
	h.bot.pool.submit(func() {
		stacktest.Use(40)
		top = stacktest.Here()
		close(started)
		for len(h.bot.pool.queue) == 0 {
			time.Sleep(time.Millisecond)
		}
	})
	<-started
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")

	if submit == 0 || submit > top || top-submit > 64<<10 {
		t.Fatalf("Submit was not reached on the worker's stack as it was (worker %#x, Submit %#x): the test cannot tell", top, submit)
	}
	t.Logf("%d B from the worker's work to the workflow's Submit", top-submit)
	if depth := top - submit; depth > botFramesKiB<<10 {
		t.Errorf("a worker holds %d B of stack above the workflow's Submit, more than %d KiB", depth, botFramesKiB)
	}
}
