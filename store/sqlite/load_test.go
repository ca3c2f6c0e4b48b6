package sqlite_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// TestThousandsOfConcurrentWriters has thousands of goroutines write at once, as a bot under
// load does: each stores a request with its event, claims an envelope id that another
// goroutine claims too, and races others to update one of a few hot requests; a group also
// races for the last places under a rate limit. No write fails for being busy, every event is
// stored, every compare-and-swap and limit stays exact, and a refusal of one writer does not
// fail the others committed with it.
func TestThousandsOfConcurrentWriters(t *testing.T) {
	const (
		writers = 2000
		hot     = 10 // requests everyone races to update
		limited = 200
		limit   = 50 // of the limited group, this many are stored
	)
	ctx := t.Context()
	db := open(t, filepath.Join(t.TempDir(), "resetbot.db"))
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	newRequest := func(id, username string) *approval.Request {
		return &approval.Request{ID: id, State: approval.StatePending, Requester: "U1", CreatedAt: at,
			Pool: policy.Pool{Name: "prod", ID: "p1"}, Action: policy.ActionReset, Target: approval.Target{Username: username}}
	}
	for i := range hot {
		if err := db.Create(ctx, newRequest(fmt.Sprintf("hot-%d", i), "hot")); err != nil {
			t.Fatal(err)
		}
	}
	var (
		wg       sync.WaitGroup
		wins     [hot]atomic.Int64
		claims   sync.Map // envelope id → *atomic.Int64 of winning claims
		stored   atomic.Int64
		refused  atomic.Int64
		mu       sync.Mutex
		failures []error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, err)
	}
	for i := range writers {
		wg.Go(func() {
			r := newRequest(fmt.Sprintf("r-%04d", i), fmt.Sprintf("user-%04d", i))
			if err := db.CreateLimited(ctx, r, nil, approval.Event{At: at, Actor: "U1", Kind: "submitted"}); err != nil {
				fail(fmt.Errorf("create %s: %w", r.ID, err))
			}

			env := fmt.Sprintf("env-%d", i/2)
			won, _ := claims.LoadOrStore(env, new(atomic.Int64))
			ok, err := db.ClaimEnvelope(ctx, env, at)
			if err != nil {
				fail(fmt.Errorf("claim %s: %w", env, err))
			} else if ok {
				won.(*atomic.Int64).Add(1)
			}

			h, err := db.Get(ctx, fmt.Sprintf("hot-%d", i%hot))
			if err != nil {
				fail(err)
				return
			}
			h.Outcome = fmt.Sprintf("writer %d", i)
			switch err := db.Update(ctx, h, approval.Event{At: at, Actor: "U2", Kind: "approved", Detail: h.Outcome}); approval.ErrorCode(err) {
			case "":
				wins[i%hot].Add(1)
			case approval.ECONFLICT:
			default:
				fail(fmt.Errorf("update %s: %w", h.ID, err))
			}

			if i >= limited {
				return
			}
			lr := newRequest(fmt.Sprintf("l-%04d", i), "limited")
			err = db.CreateLimited(ctx, lr, []approval.Limit{{Scope: approval.LimitTarget, Max: limit}},
				approval.Event{At: at, Actor: "U1", Kind: "submitted"})
			var le *approval.LimitError
			switch {
			case err == nil:
				stored.Add(1)
			case errors.As(err, &le):
				refused.Add(1)
			default:
				fail(fmt.Errorf("create %s under the limit: %w", lr.ID, err))
			}
		})
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d writes failed, first: %v", len(failures), failures[0])
	}

	for i := range writers {
		id := fmt.Sprintf("r-%04d", i)
		if es, err := db.Events(ctx, id); err != nil || len(es) != 1 || es[0].Kind != "submitted" {
			t.Fatalf("events of %s: %+v, %v; want its submitted event", id, es, err)
		}
	}
	for i := range hot {
		id := fmt.Sprintf("hot-%d", i)
		r, err := db.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		es, err := db.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		w := wins[i].Load()
		if w == 0 || r.Version != 1+w || int64(len(es)) != w {
			t.Errorf("%s: %d updates won, version %d, %d events; want version 1+wins and one event per win", id, w, r.Version, len(es))
		}
		if len(es) > 0 && es[len(es)-1].Detail != r.Outcome {
			t.Errorf("%s: last event by %q, stored outcome %q: the event is not the winner's", id, es[len(es)-1].Detail, r.Outcome)
		}
	}
	claims.Range(func(id, won any) bool {
		if n := won.(*atomic.Int64).Load(); n != 1 {
			t.Errorf("envelope %s claimed %d times, want 1", id, n)
		}
		return true
	})
	if stored.Load() != limit || refused.Load() != limited-limit {
		t.Errorf("under the limit: %d stored and %d refused, want %d and %d", stored.Load(), refused.Load(), limit, limited-limit)
	}
	if n, err := db.CountByTarget(ctx, "p1", "limited", time.Time{}); err != nil || n != limit {
		t.Errorf("CountByTarget(limited) = %d, %v; want %d", n, err, limit)
	}
	t.Logf("%d writers: %d hot updates won, %d envelope ids claimed once each, %d of %d stored under a limit of %d",
		writers, func() (n int64) {
			for i := range wins {
				n += wins[i].Load()
			}
			return n
		}(), writers/2, stored.Load(), limited, limit)
}
