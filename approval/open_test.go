package approval_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// A second identical request (the same requester, action, pool and user) while the first is
// open is refused and names the open one; once the first is settled, asking again works.
func TestSecondIdenticalRequestIsRefused(t *testing.T) {
	h := newHarness(t)
	first := h.submit(sub(prod, policy.ActionReset))

	_, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	wantCode(t, err, approval.EOPEN)
	var open *approval.OpenRequestError
	if !errors.As(err, &open) || open.Open == nil || open.Open.ID != first.ID {
		t.Fatalf("Submit: %v, want an *approval.OpenRequestError naming %s", err, first.ID)
	}
	if got := h.events(""); len(got) != 1 || got[0] != "already_open" {
		t.Errorf("audit of the refusal: %v", got)
	}
	// Another action, or someone else, is another request.
	h.submit(sub(prod, policy.ActionTempPassword))
	h.submit(another(sub(prod, policy.ActionReset), 1))

	if _, err := h.svc.Cancel(t.Context(), first.ID, first.Requester); err != nil {
		t.Fatal(err)
	}
	h.submit(sub(prod, policy.ActionReset))
}

// Identical requests at once (a command typed twice, a follow-up clicked twice): one is made.
func TestIdenticalRequestsAtOnceMakeOne(t *testing.T) {
	h := newHarness(t)
	var (
		wg      sync.WaitGroup
		created atomic.Int32
	)
	for range 10 {
		wg.Go(func() {
			_, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
			switch approval.ErrorCode(err) {
			case "":
				created.Add(1)
			case approval.EOPEN:
			default:
				t.Errorf("Submit: %v", err)
			}
		})
	}
	wg.Wait()
	if got := created.Load(); got != 1 {
		t.Errorf("%d requests made, want 1", got)
	}
}
