package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/resetbot/resetbot/approval"
)

// ignoreEventID leaves out the id a store gives each event.
var ignoreEventID = cmpopts.IgnoreFields(approval.Event{}, "ID")

func events(t *testing.T, s approval.Store, requestID string) []approval.Event {
	t.Helper()
	es, err := s.Events(t.Context(), requestID)
	if err != nil {
		t.Fatalf("Events(%s): %v", requestID, err)
	}
	return es
}

// testEventsWithChanges: Create, CreateLimited and Update append the events given with the
// change, their request id filled in when empty.
func testEventsWithChanges(t *testing.T, s approval.Store) {
	ctx := t.Context()
	submitted := approval.Event{At: t0, Actor: "U1", Kind: "submitted", Rule: "support-resets", Outcome: "pending", Detail: "action=reset"}
	if err := s.Create(ctx, request("r-1"), submitted); err != nil {
		t.Fatalf("Create: %v", err)
	}
	limited := submitted
	limited.At = t0.Add(time.Second)
	if err := s.CreateLimited(ctx, request("r-2"), []approval.Limit{{Scope: approval.LimitTarget, Max: 10}}, limited); err != nil {
		t.Fatalf("CreateLimited: %v", err)
	}
	r := get(t, s, "r-1")
	r.State = approval.StateRunning
	running := approval.Event{At: t0.Add(2 * time.Second), Actor: "system", Kind: "running", Outcome: "running", Detail: "owner host-1"}
	approved := approval.Event{RequestID: "r-1", At: t0.Add(2 * time.Second), Actor: "U2", Kind: "approved", Outcome: "approved", Detail: "2 of 2"}
	if err := s.Update(ctx, r, approved, running); err != nil {
		t.Fatalf("Update: %v", err)
	}
	r.State = approval.StateSucceeded
	if err := s.Update(ctx, r); err != nil {
		t.Fatalf("Update without events: %v", err)
	}
	withID := func(e approval.Event, id string) approval.Event { e.RequestID = id; return e }
	for _, tt := range []struct {
		id   string
		want []approval.Event
	}{
		{"r-1", []approval.Event{withID(submitted, "r-1"), approved, withID(running, "r-1")}},
		{"r-2", []approval.Event{withID(limited, "r-2")}},
		{"", nil},
	} {
		if diff := cmp.Diff(events(t, s, tt.id), tt.want, ignoreEventID); diff != "" {
			t.Errorf("Events(%q) (-got +want):\n%s", tt.id, diff)
		}
	}
}

// testNoEventsOnConflict: an Update that loses the compare-and-swap, or finds no request,
// writes no event; nor does a Create of an existing id.
func testNoEventsOnConflict(t *testing.T, s approval.Store) {
	ctx := t.Context()
	create(t, s, request("r-1"))
	first, second := get(t, s, "r-1"), get(t, s, "r-1")
	first.State = approval.StateDenied
	denied := approval.Event{At: t0, Actor: "U2", Kind: "denied"}
	if err := s.Update(ctx, first, denied); err != nil {
		t.Fatalf("first Update: %v", err)
	}
	second.State = approval.StateCancelled
	wantCode(t, "stale Update", s.Update(ctx, second, approval.Event{At: t0, Actor: "U1", Kind: "cancelled"}), approval.ECONFLICT)
	missing := request("r-none")
	missing.Version = 1
	wantCode(t, "Update of a missing id", s.Update(ctx, missing, approval.Event{At: t0, Actor: "U1", Kind: "approved"}), approval.ENOTFOUND)
	wantCode(t, "Create of an existing id", s.Create(ctx, request("r-1"), approval.Event{At: t0, Actor: "U1", Kind: "submitted"}), approval.ECONFLICT)
	denied.RequestID = "r-1"
	if diff := cmp.Diff(events(t, s, "r-1"), []approval.Event{denied}, ignoreEventID); diff != "" {
		t.Errorf("events after refused changes (-got +want):\n%s", diff)
	}
	if got := events(t, s, "r-none"); len(got) != 0 {
		t.Errorf("events of a request that does not exist: %+v", got)
	}
}

// testNoEventsWhenLimited: a CreateLimited refused by a limit stores its events no more than
// its request.
func testNoEventsWhenLimited(t *testing.T, s approval.Store) {
	create(t, s, request("r-1"))
	r := request("r-2")
	err := s.CreateLimited(t.Context(), r, []approval.Limit{{Scope: approval.LimitTarget, Max: 1}},
		approval.Event{At: t0, Actor: "U1", Kind: "submitted"})
	var le *approval.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("CreateLimited over the limit: %v, want a *approval.LimitError", err)
	}
	if got := events(t, s, "r-2"); len(got) != 0 {
		t.Errorf("a refused request left events: %+v", got)
	}
}

// testClaimEnvelope: the first claim of an id wins, a second loses, and a claim older than
// the TTL is purged so that the id may be claimed again.
func testClaimEnvelope(t *testing.T, s approval.Store) {
	ctx := t.Context()
	for i, tt := range []struct {
		id   string
		at   time.Time
		want bool
	}{
		{"env-1", t0, true},
		{"env-1", t0, false},
		{"env-2", t0.Add(time.Second), true},
		{"env-1", t0.Add(time.Minute), false},
		{"env-1", t0.Add(approval.EnvelopeClaimTTL - time.Nanosecond), false},
		{"env-1", t0.Add(approval.EnvelopeClaimTTL + time.Minute), true},
		{"env-1", t0.Add(approval.EnvelopeClaimTTL + 2*time.Minute), false},
		{"env-2", t0.Add(approval.EnvelopeClaimTTL + 2*time.Minute), true},
	} {
		got, err := s.ClaimEnvelope(ctx, tt.id, tt.at)
		if err != nil {
			t.Fatalf("%d: ClaimEnvelope(%s): %v", i, tt.id, err)
		}
		if got != tt.want {
			t.Errorf("%d: ClaimEnvelope(%s, t0+%s) = %v, want %v", i, tt.id, tt.at.Sub(t0), got, tt.want)
		}
	}
}

// testConcurrentClaimEnvelope races many goroutines to claim the same ids: exactly one wins
// each.
func testConcurrentClaimEnvelope(t *testing.T, s approval.Store) {
	const ids, claimers = 5, 20
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		wins   = map[string]int{}
		others []error
	)
	for i := range ids * claimers {
		id := fmt.Sprintf("env-%d", i%ids)
		wg.Go(func() {
			ok, err := s.ClaimEnvelope(t.Context(), id, t0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				others = append(others, err)
			case ok:
				wins[id]++
			}
		})
	}
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("%d claims failed, first: %v", len(others), others[0])
	}
	want := map[string]int{}
	for i := range ids {
		want[fmt.Sprintf("env-%d", i)] = 1
	}
	if diff := cmp.Diff(wins, want); diff != "" {
		t.Errorf("winning claims per id (-got +want):\n%s", diff)
	}
}
