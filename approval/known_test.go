package approval_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// TestClickStartsFromTheVersionThisProcessWrote: a click on a request this process submitted
// decides, and writes the claim of its run, without reading the request from the store first.
func TestClickStartsFromTheVersionThisProcessWrote(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	before := h.store.reads()
	readsBeforeClaim := -1
	h.store.setBeforeWrite(func(w *approval.Request) {
		if w.State == approval.StateRunning {
			readsBeforeClaim = h.store.reads() - before
		}
	})
	got, err := h.svc.ApproveEnvelope(t.Context(), r.ID, lead1, approval.Envelope{ID: "env-1", ReceivedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != approval.StateSucceeded {
		t.Fatalf("state %s, outcome %q", got.State, got.Outcome)
	}
	if readsBeforeClaim != 0 {
		t.Errorf("%d reads of the request before the claim's write, want 0", readsBeforeClaim)
	}
}

// TestClickOnAVersionAnotherProcessChanged: another process counts an approval after this one
// wrote the request last. A click here decides from the version it wrote, its write loses the
// compare-and-swap, and it decides again on the request as stored: both approvals count and
// the request runs once.
func TestClickOnAVersionAnotherProcessChanged(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	other := h.second("test-2")
	if _, err := other.Approve(t.Context(), r.ID, lead2); err != nil {
		t.Fatalf("the other process's approval: %v", err)
	}
	got := h.approve(r.ID, lead3)
	if got.State != approval.StateSucceeded || h.dir.Calls("run") != 1 {
		t.Fatalf("state %s, %d runs", got.State, h.dir.Calls("run"))
	}
	var by []string
	for _, a := range got.Approvals {
		by = append(by, a.By)
	}
	if diff := cmp.Diff(by, []string{lead2.User, lead3.User}); diff != "" {
		t.Errorf("approvals (-got +want):\n%s", diff)
	}
}

// TestRefusalIsOfTheStoredRequest: the version this process wrote last says the approver has
// approved already, but another process has since dropped that approval. The click is not
// refused on what this process remembers: it is decided on the request as stored, and counts.
func TestRefusalIsOfTheStoredRequest(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	h.approve(r.ID, lead2)
	stored := h.get(r.ID)
	stored.Approvals = nil // as a recount by another process under another policy would
	if err := h.db.Update(t.Context(), stored); err != nil {
		t.Fatal(err)
	}
	got := h.approve(r.ID, lead2)
	if got.State != approval.StatePending || len(got.Approvals) != 1 || got.Approvals[0].By != lead2.User {
		t.Errorf("state %s, approvals %+v; want pending with lead2's approval", got.State, got.Approvals)
	}
}

// TestClickAfterReleaseMemoryReadsTheRequest: once the Service has given back the versions it
// keeps (after a busy period), a click reads the request from the store, and runs it as before.
func TestClickAfterReleaseMemoryReadsTheRequest(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	if err := h.svc.ReleaseMemory(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := h.store.reads()
	readsBeforeClaim := -1
	h.store.setBeforeWrite(func(w *approval.Request) {
		if w.State == approval.StateRunning {
			readsBeforeClaim = h.store.reads() - before
		}
	})
	got := h.approve(r.ID, lead1)
	if got.State != approval.StateSucceeded || h.dir.Calls("run") != 1 {
		t.Fatalf("state %s, %d runs", got.State, h.dir.Calls("run"))
	}
	if readsBeforeClaim < 1 {
		t.Errorf("%d reads of the request before the claim's write, want at least 1", readsBeforeClaim)
	}
}
