package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func benchRequest(i int, now time.Time) *approval.Request {
	return &approval.Request{
		ID: fmt.Sprintf("r-bench-%08d", i), State: approval.StatePending,
		Team: "T1", Channel: "C1", Requester: fmt.Sprintf("U%04d", i%50),
		Pool:   policy.Pool{Name: "prod", ID: "eu-west-1_Prod1", Region: "eu-west-1"},
		Action: policy.ActionReset, Reason: "locked out", Ticket: "SUP-1", VerifiedBy: "callback",
		Target: approval.Target{Ref: "u", Username: fmt.Sprintf("user%03d", i%500), Sub: "sub", Status: "CONFIRMED", Enabled: true},
		Rule:   "support-reset", ApprovalsNeeded: 1, Approvers: []string{"@leads"},
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(4 * time.Hour),
	}
}

// Bench measures the store operations of one request's life: create (with its event), read,
// a compare-and-swap update (with its event), an audit event, an envelope claim, and the
// sweeper's and the card's queries over a store of 5,000 requests. Every backend's
// BenchmarkStore calls it, so their figures sit side by side under the same names.
func Bench(b *testing.B, open func(b *testing.B) approval.Store) {
	ctx := b.Context()
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	b.Run("create", func(b *testing.B) {
		db := open(b)
		i := 0
		for b.Loop() {
			r := benchRequest(i, now)
			if err := db.Create(ctx, r, approval.Event{At: now, Actor: r.Requester, Kind: "submitted"}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})

	db := open(b)
	for i := range 5000 {
		if err := db.Create(ctx, benchRequest(i, now.Add(time.Duration(i)*time.Second))); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Get(ctx, "r-bench-00002500"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cas-update", func(b *testing.B) {
		r, err := db.Get(ctx, "r-bench-00000001")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			r.Reason = fmt.Sprint(r.Version)
			if err := db.Update(ctx, r, approval.Event{At: now, Actor: "U2", Kind: "approved"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append-event", func(b *testing.B) {
		for b.Loop() {
			if err := db.Append(ctx, approval.Event{RequestID: "r-bench-00000001", At: now, Actor: "U1", Kind: "approved"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("claim-envelope", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := db.ClaimEnvelope(ctx, fmt.Sprintf("env-%08d", i), now); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("due", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Due(ctx, now.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("history", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.History(ctx, "eu-west-1_Prod1", "user042", 10); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("count-by-target", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.CountByTarget(ctx, "eu-west-1_Prod1", "user042", now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchConcurrentWriters measures the writes of requests' lives from many goroutines at
// once, as a busy bot (or several replicas) makes them: each operation is a submission (CreateLimited under a
// per-target limit, with its event), an approval (a compare-and-swap Update with its event)
// and the claim of an envelope. Every write must succeed: a busy database is a failure here.
func BenchConcurrentWriters(b *testing.B, open func(b *testing.B) approval.Store) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	limits := []approval.Limit{{Scope: approval.LimitTarget, Max: 1000, Since: now.Add(-time.Hour)}}
	for _, writers := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			ctx := b.Context()
			db := open(b)
			var (
				next   atomic.Int64
				failed atomic.Int64
				first  atomic.Pointer[error]
				wg     sync.WaitGroup
			)
			b.ResetTimer()
			for range writers {
				wg.Go(func() {
					for {
						i := int(next.Add(1))
						if i > b.N {
							return
						}
						if err := requestLife(ctx, db, i, now, limits); err != nil {
							failed.Add(1)
							first.CompareAndSwap(nil, &err)
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d request lives failed, first: %v", n, b.N, *first.Load())
			}
		})
	}
}

// requestLife is one request's writes: submitted, approved, and its envelope claimed.
func requestLife(ctx context.Context, db approval.Store, i int, now time.Time, limits []approval.Limit) error {
	r := benchRequest(i, now)
	if err := db.CreateLimited(ctx, r, limits, approval.Event{At: now, Actor: r.Requester, Kind: "submitted"}); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	r.State = approval.StateApproved
	if err := db.Update(ctx, r, approval.Event{At: now, Actor: "U9", Kind: "approved"}); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if ok, err := db.ClaimEnvelope(ctx, fmt.Sprintf("env-%d", i), now); err != nil || !ok {
		return fmt.Errorf("claim envelope: %v, %w", ok, err)
	}
	return nil
}
