package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
)

// settledAll is a CardsBehind bound after every time the suite writes: every request counts
// as settled.
var settledAll = t0.Add(365 * 24 * time.Hour)

// behind lists the ids CardsBehind returns for settled.
func behind(t *testing.T, s approval.Store, settled time.Time) []string {
	t.Helper()
	rs, err := s.CardsBehind(t.Context(), settled)
	if err != nil {
		t.Fatalf("CardsBehind: %v", err)
	}
	return ids(rs)
}

func markDrawn(t *testing.T, s approval.Store, id string, version int64) {
	t.Helper()
	if err := s.MarkDrawn(t.Context(), id, version); err != nil {
		t.Fatalf("MarkDrawn(%s, %d): %v", id, version, err)
	}
}

func update(t *testing.T, s approval.Store, r *approval.Request) {
	t.Helper()
	if err := s.Update(t.Context(), r); err != nil {
		t.Fatalf("Update(%s) at version %d: %v", r.ID, r.Version, err)
	}
}

// testMarkDrawn: MarkDrawn raises the version a card was drawn from, so that CardsBehind no
// longer lists the request until it changes again; it never lowers it, never raises it past
// the request's Version, and changes nothing else: not the request, not its events, not the
// Version an Update needs.
func testMarkDrawn(t *testing.T, s approval.Store) {
	r := create(t, s, request("r-1")) // with a thread: its card was never drawn as the store knows
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-1"}); diff != "" {
		t.Errorf("CardsBehind after Create with a thread (-got +want):\n%s", diff)
	}
	before, eventsBefore := get(t, s, "r-1"), events(t, s, "r-1")
	markDrawn(t, s, "r-1", 1)
	if got := behind(t, s, settledAll); len(got) != 0 {
		t.Errorf("CardsBehind after MarkDrawn of its version = %v, want none", got)
	}
	if diff := cmp.Diff(get(t, s, "r-1"), before); diff != "" {
		t.Errorf("the request after MarkDrawn (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(events(t, s, "r-1"), eventsBefore, ignoreEventID); diff != "" {
		t.Errorf("events after MarkDrawn (-got +want):\n%s", diff)
	}

	// The Version read before the mark is still the one an Update needs.
	r.State = approval.StateApproved
	update(t, s, r) // version 2
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-1"}); diff != "" {
		t.Errorf("CardsBehind after an Update (-got +want):\n%s", diff)
	}
	markDrawn(t, s, "r-1", 2)
	markDrawn(t, s, "r-1", 1) // late: never lowers
	if got := behind(t, s, settledAll); len(got) != 0 {
		t.Errorf("CardsBehind after a lower MarkDrawn = %v, want none: it lowered the drawn version", got)
	}
	stale := *get(t, s, "r-1")
	stale.Version--
	wantCode(t, "Update at a version before the mark", s.Update(t.Context(), &stale), approval.ECONFLICT)

	// A mark past the request's Version counts as its Version: the next change is behind.
	markDrawn(t, s, "r-1", 9)
	r.State = approval.StateRunning
	update(t, s, r) // version 3
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-1"}); diff != "" {
		t.Errorf("CardsBehind after MarkDrawn past the Version and an Update (-got +want):\n%s", diff)
	}
	if got := get(t, s, "r-1").Version; got != 3 {
		t.Errorf("Version after two Updates and three marks = %d, want 3", got)
	}
	wantCode(t, "MarkDrawn of an unknown id", s.MarkDrawn(t.Context(), "nope", 1), approval.ENOTFOUND)
}

// testUpdateDrawn: UpdateDrawn writes a request and its events as Update does, and leaves its
// card drawn from the version it writes: CardsBehind does not list it, and a MarkDrawn of the
// version before changes nothing. On a conflict it writes nothing, the drawn version neither.
func testUpdateDrawn(t *testing.T, s approval.Store) {
	ctx := t.Context()
	r := request("r-1")
	r.Thread = approval.Thread{} // no card yet: drawn at its own version
	create(t, s, r)
	stale := *get(t, s, "r-1")
	r.Thread = approval.Thread{Channel: "C1", TS: "1700000000.000100"}
	saved := approval.Event{At: t0, Actor: "system", Kind: "card_posted"}
	if err := s.UpdateDrawn(ctx, r, saved); err != nil {
		t.Fatalf("UpdateDrawn: %v", err)
	}
	if r.Version != 2 {
		t.Errorf("after UpdateDrawn, Version = %d, want 2", r.Version)
	}
	if diff := cmp.Diff(get(t, s, "r-1"), r); diff != "" {
		t.Errorf("Get after UpdateDrawn (-got +want):\n%s", diff)
	}
	saved.RequestID = "r-1"
	if diff := cmp.Diff(events(t, s, "r-1"), []approval.Event{saved}, ignoreEventID); diff != "" {
		t.Errorf("events after UpdateDrawn (-got +want):\n%s", diff)
	}
	markDrawn(t, s, "r-1", 1) // late: never lowers
	if got := behind(t, s, settledAll); len(got) != 0 {
		t.Errorf("CardsBehind after UpdateDrawn = %v, want none", got)
	}

	// The next change is behind its card again.
	r.State = approval.StateApproved
	update(t, s, r)
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-1"}); diff != "" {
		t.Errorf("CardsBehind after an Update that follows UpdateDrawn (-got +want):\n%s", diff)
	}

	// A stale UpdateDrawn writes nothing: no event, the card still behind.
	stale.Thread = approval.Thread{Channel: "C1", TS: "1700000000.000999"}
	wantCode(t, "stale UpdateDrawn", s.UpdateDrawn(ctx, &stale, approval.Event{At: t0, Actor: "U1", Kind: "stale"}), approval.ECONFLICT)
	if diff := cmp.Diff(get(t, s, "r-1"), r); diff != "" {
		t.Errorf("Get after a stale UpdateDrawn (-got +want):\n%s", diff)
	}
	if got := len(events(t, s, "r-1")); got != 1 {
		t.Errorf("%d events after a stale UpdateDrawn, want 1", got)
	}
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-1"}); diff != "" {
		t.Errorf("CardsBehind after a stale UpdateDrawn (-got +want):\n%s", diff)
	}
	missing := request("r-none")
	missing.Version = 1
	wantCode(t, "UpdateDrawn of a missing id", s.UpdateDrawn(ctx, missing), approval.ENOTFOUND)
}

// testCardsBehind: CardsBehind lists, oldest first, the requests with a thread whose card is
// behind them and that nobody changed since the bound (final ones too); a request with no
// thread has no card and is never listed, nor is one whose card was drawn from its Version.
func testCardsBehind(t *testing.T, s approval.Store) {
	// Created newest first, so that the order is by creation, not by insertion.
	var rs []*approval.Request
	for i := range 4 {
		r := request(fmt.Sprintf("r-%d", i))
		r.CreatedAt = t0.Add(time.Duration(-i) * time.Hour)
		rs = append(rs, create(t, s, r))
	}
	noThread := request("no-thread")
	noThread.Thread = approval.Thread{}
	create(t, s, noThread)
	noThread.State = approval.StateApproved
	update(t, s, noThread)

	markDrawn(t, s, "r-0", 1)             // drawn: not listed
	rs[1].State = approval.StateSucceeded // final and behind: listed
	rs[1].UpdatedAt = t0.Add(2 * time.Minute)
	update(t, s, rs[1])
	markDrawn(t, s, "r-1", 1) // drawn from the version before
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-3", "r-2", "r-1"}); diff != "" {
		t.Errorf("CardsBehind (-got +want):\n%s", diff)
	}
	// Changed at t0+1m (r-2, r-3) and t0+2m (r-1): settled only when changed before the bound.
	for _, tt := range []struct {
		settled time.Time
		want    []string
	}{
		{t0.Add(time.Minute), []string{}},
		{t0.Add(time.Minute + 1), []string{"r-3", "r-2"}},
		{t0.Add(2*time.Minute + 1), []string{"r-3", "r-2", "r-1"}},
	} {
		if diff := cmp.Diff(behind(t, s, tt.settled), tt.want); diff != "" {
			t.Errorf("CardsBehind(%s) (-got +want):\n%s", tt.settled.Sub(t0), diff)
		}
	}

	// The write that saves a thread leaves the card behind until it is marked drawn.
	noThread.Thread = approval.Thread{Channel: "C1", TS: "1700000000.000200"}
	update(t, s, noThread)
	if diff := cmp.Diff(behind(t, s, settledAll), []string{"r-3", "r-2", "r-1", "no-thread"}); diff != "" {
		t.Errorf("CardsBehind after a thread was saved (-got +want):\n%s", diff)
	}
	markDrawn(t, s, "no-thread", noThread.Version)
	for _, id := range []string{"r-1", "r-2", "r-3"} {
		markDrawn(t, s, id, get(t, s, id).Version)
	}
	if got := behind(t, s, settledAll); len(got) != 0 {
		t.Errorf("CardsBehind after every card was drawn = %v, want none", got)
	}
}

// testConcurrentMarkDrawn: marks racing with a run of Updates never make one conflict, and the
// drawn version ends at the newest mark.
func testConcurrentMarkDrawn(t *testing.T, s approval.Store) {
	const updates = 20
	r := create(t, s, request("r-1"))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for v := int64(1); ; v++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.MarkDrawn(t.Context(), "r-1", v%(updates+1)); err != nil {
				t.Errorf("MarkDrawn: %v", err)
				return
			}
		}
	})
	for i := range updates {
		r.Reason = fmt.Sprintf("change %d", i)
		if err := s.Update(t.Context(), r); err != nil {
			t.Errorf("Update %d beside MarkDrawn: %v", i, err)
			break
		}
	}
	close(stop)
	wg.Wait()
	markDrawn(t, s, "r-1", r.Version)
	if got := behind(t, s, settledAll); len(got) != 0 {
		t.Errorf("CardsBehind after marking the last version = %v, want none", got)
	}
	if got := get(t, s, "r-1"); got.Version != updates+1 || got.Reason != r.Reason {
		t.Errorf("after the race: version %d, reason %q; want %d, %q", got.Version, got.Reason, updates+1, r.Reason)
	}
}
