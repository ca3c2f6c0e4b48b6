package approval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// panicDir is a directory whose runs panic.
type panicDir struct{ approval.Directory }

func (panicDir) Run(context.Context, policy.Pool, approval.User, policy.Action) (approval.RunResult, error) {
	panic("a bug in the directory")
}

// A panic in a run is recovered: logged with the request id, counted, the request marked
// interrupted at once (it may or may not have happened), and the service goes on serving.
func TestPanicInARunIsContained(t *testing.T) {
	h := newHarness(t, func(c *approval.Config) { c.Directory = panicDir{c.Directory} })
	r := h.submit(sub(prod, policy.ActionReset))
	_, err := h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.EINTERNAL)

	r = h.get(r.ID)
	if r.State != approval.StateInterrupted || !strings.Contains(r.Outcome, "may or may not have happened") {
		t.Errorf("after the panic: %s (%s), want interrupted", r.State, r.Outcome)
	}
	if got := h.note.last(r.ID).Kind; got != approval.NoticeInterrupted {
		t.Errorf("last notice %s, want %s", got, approval.NoticeInterrupted)
	}
	if diff := cmp.Diff(h.obs.panicked(), map[string]int{"run": 1}); diff != "" {
		t.Errorf("panics counted (-got +want):\n%s", diff)
	}
	logged := false
	for _, l := range h.logLines() {
		if l["msg"] == "panic recovered" && l["request_id"] == r.ID {
			logged = true
		}
	}
	if !logged {
		t.Error("the panic is not logged with the request id")
	}
	// Still serving.
	h.submit(another(sub(prod, policy.ActionReset), 1))
}
