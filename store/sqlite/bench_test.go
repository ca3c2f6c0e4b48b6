package sqlite_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/sqlite"
	"github.com/resetbot/resetbot/store/storetest"
)

// BenchmarkStore measures the store's operations on a WAL SQLite file (storetest.Bench).
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) approval.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = db.Close() })
		return db
	})
}

// BenchmarkConcurrentWriters measures the writes of requests' lives from many goroutines at
// once, as a busy bot makes them: each operation is a submission (CreateLimited under a
// per-target limit, with its event), an approval (a compare-and-swap Update with its event)
// and the claim of an envelope. Every write must succeed: a busy database is a failure here.
func BenchmarkConcurrentWriters(b *testing.B) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	limits := []approval.Limit{{Scope: approval.LimitTarget, Max: 1000, Since: now.Add(-time.Hour)}}
	for _, writers := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			ctx := context.Background()
			db := benchDB(b)
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
func requestLife(ctx context.Context, db *sqlite.DB, i int, now time.Time, limits []approval.Limit) error {
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
