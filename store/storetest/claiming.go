package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
)

// claimed reports whether an envelope id is claimed at t: a claim that wins is undone by
// nothing, so the test claims an id only once it has nothing more to learn about it.
func claimed(t *testing.T, s approval.Store, id string, at time.Time) bool {
	t.Helper()
	won, err := s.ClaimEnvelope(t.Context(), id, at)
	if err != nil {
		t.Fatalf("ClaimEnvelope(%s): %v", id, err)
	}
	return !won
}

// eventKinds lists the kinds of a request's events, oldest first.
func eventKinds(t *testing.T, s approval.Store, id string) []string {
	t.Helper()
	var kinds []string
	for _, e := range events(t, s, id) {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// testUpdateClaiming: a decision's write claims its envelope with the change and its event;
// the same envelope again (a redelivered click) writes nothing, whatever the version, and an
// envelope claimed on its own before counts the same.
func testUpdateClaiming(t *testing.T, s approval.Store) {
	ctx := t.Context()
	create(t, s, request("r-1"))
	r := get(t, s, "r-1")
	r.Outcome = "approved once"
	if err := s.UpdateClaiming(ctx, r, approval.Envelope{ID: "env-1", ReceivedAt: t0}, approval.Event{Kind: "approved", Actor: "U2", At: t0}); err != nil {
		t.Fatalf("UpdateClaiming: %v", err)
	}
	if r.Version != 2 {
		t.Errorf("UpdateClaiming left Version %d, want 2", r.Version)
	}

	// The same envelope delivered again: from the version it read then, and from the newest.
	stale := get(t, s, "r-1")
	stale.Version = 1
	for _, again := range []*approval.Request{stale, get(t, s, "r-1")} {
		v := again.Version
		again.Outcome = "approved twice"
		err := s.UpdateClaiming(ctx, again, approval.Envelope{ID: "env-1", ReceivedAt: t0.Add(time.Second)}, approval.Event{Kind: "approved", Actor: "U2", At: t0})
		if !errors.Is(err, approval.ErrClaimedBefore) {
			t.Errorf("UpdateClaiming of an envelope claimed before, from version %d: %v, want ErrClaimedBefore", v, err)
		}
		if again.Version != v {
			t.Errorf("a refused UpdateClaiming moved the caller's Version from %d to %d", v, again.Version)
		}
	}

	// An envelope claimed on its own first.
	if claimed(t, s, "env-2", t0) {
		t.Fatal("env-2 was claimed before anyone claimed it")
	}
	cur := get(t, s, "r-1")
	cur.Outcome = "approved by a claimed envelope"
	if err := s.UpdateClaiming(ctx, cur, approval.Envelope{ID: "env-2", ReceivedAt: t0}, approval.Event{Kind: "approved", Actor: "U3", At: t0}); !errors.Is(err, approval.ErrClaimedBefore) {
		t.Errorf("UpdateClaiming of an envelope ClaimEnvelope claimed: %v, want ErrClaimedBefore", err)
	}

	got := get(t, s, "r-1")
	if got.Version != 2 || got.Outcome != "approved once" {
		t.Errorf("after the refused writes: version %d outcome %q, want 2 %q", got.Version, got.Outcome, "approved once")
	}
	if diff := cmp.Diff([]string{"approved"}, eventKinds(t, s, "r-1")); diff != "" {
		t.Errorf("events (-got +want):\n%s", diff)
	}
	if !claimed(t, s, "env-1", t0.Add(time.Minute)) {
		t.Error("the envelope of the write that went in is not claimed")
	}
}

// testUpdateClaimingStale: a write that loses its compare-and-swap claims nothing, so that the
// decision read again may claim its envelope with its next write; an Envelope with no id
// claims nothing.
func testUpdateClaimingStale(t *testing.T, s approval.Store) {
	ctx := t.Context()
	create(t, s, request("r-1"))
	first, second := get(t, s, "r-1"), get(t, s, "r-1")
	first.Outcome = "first"
	if err := s.Update(ctx, first); err != nil {
		t.Fatalf("Update: %v", err)
	}
	second.Outcome = "second"
	err := s.UpdateClaiming(ctx, second, approval.Envelope{ID: "env-1", ReceivedAt: t0}, approval.Event{Kind: "approved", At: t0})
	wantCode(t, "UpdateClaiming of a stale version", err, approval.ECONFLICT)

	again := get(t, s, "r-1")
	again.Outcome = "second, read again"
	if err := s.UpdateClaiming(ctx, again, approval.Envelope{ID: "env-1", ReceivedAt: t0}, approval.Event{Kind: "approved", At: t0}); err != nil {
		t.Fatalf("UpdateClaiming after a conflict: %v (the conflict kept its claim?)", err)
	}
	none := get(t, s, "r-1")
	if err := s.UpdateClaiming(ctx, none, approval.Envelope{}); err != nil {
		t.Fatalf("UpdateClaiming with no envelope: %v", err)
	}
	if got := get(t, s, "r-1"); got.Version != 4 {
		t.Errorf("version %d, want 4", got.Version)
	}
	if diff := cmp.Diff([]string{"approved"}, eventKinds(t, s, "r-1")); diff != "" {
		t.Errorf("events (-got +want):\n%s", diff)
	}
	missing := request("r-none")
	missing.Version = 1
	wantCode(t, "UpdateClaiming of a missing id", s.UpdateClaiming(ctx, missing, approval.Envelope{ID: "env-2", ReceivedAt: t0}), approval.ENOTFOUND)
	if claimed(t, s, "env-2", t0) {
		t.Error("UpdateClaiming of a missing request kept its claim")
	}
}

// testConcurrentUpdateClaiming delivers one envelope to many writers at once, as Slack
// delivering a click again to several replicas, each writing from the version it read: the
// change goes in once, with one event, and every other writer is told the envelope was
// claimed, or lost the compare-and-swap.
func testConcurrentUpdateClaiming(t *testing.T, s approval.Store) {
	const n = 20
	create(t, s, request("r-1"))
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		won     int
		dropped int
		others  []error
	)
	for i := range n {
		wg.Go(func() {
			r, err := s.Get(t.Context(), "r-1")
			if err == nil {
				r.Outcome = fmt.Sprintf("writer %d", i)
				err = s.UpdateClaiming(t.Context(), r, approval.Envelope{ID: "env-1", ReceivedAt: t0}, approval.Event{Kind: "approved", At: t0})
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, approval.ErrClaimedBefore), approval.ErrorCode(err) == approval.ECONFLICT:
				dropped++
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("unexpected errors: %v", others)
	}
	if won != 1 {
		t.Errorf("%d writes of one envelope went in, want 1 (%d dropped)", won, dropped)
	}
	if diff := cmp.Diff([]string{"approved"}, eventKinds(t, s, "r-1")); diff != "" {
		t.Errorf("events (-got +want):\n%s", diff)
	}
}
