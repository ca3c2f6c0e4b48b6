package storetest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
			b.ResetTimer()
			n, first := inParallel(b.N, writers, func(i int) error { return requestLife(ctx, db, i, now, limits) })
			b.StopTimer()
			if n > 0 {
				b.Fatalf("%d of %d request lives failed, first: %v", n, b.N, first)
			}
		})
	}
}

// inParallel runs op(1) … op(n) on the given number of goroutines, each taking the next i,
// and returns how many failed and the first error.
func inParallel(n, goroutines int, op func(i int) error) (failed int64, first error) {
	var (
		next     atomic.Int64
		failures atomic.Int64
		firstErr atomic.Pointer[error]
		wg       sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				if err := op(i); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		first = *p
	}
	return failures.Load(), first
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

// BenchSubmissions measures the writes of submissions as the bot makes them: the claim of the
// slash command's envelope, the request with its event under the three rate limits (one open
// request, per requester, per user), and the card's thread saved with the card marked drawn.
// Twenty requesters ask, each for a user of their own, on a store that already holds 5,000
// requests; one goroutine after another, then 64 at once. Besides the time per submission it
// reports the CPU time the process spent per submission (cpu-µs/op) and its write system calls
// (writes/op, from /proc/self/io, pages written to the disk), which other work on the machine
// moves far less than the time; one writer makes the same writes run after run.
func BenchSubmissions(b *testing.B, open func(b *testing.B) approval.Store) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	limits := []approval.Limit{{Scope: approval.LimitOpen, Max: 1}, {Scope: approval.LimitRequester, Max: 1 << 30, Since: now.Add(-time.Hour)},
		{Scope: approval.LimitTarget, Max: 1 << 30, Since: now.Add(-time.Hour)}}
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			ctx := b.Context()
			db := open(b)
			for i := range 5000 {
				if err := db.Create(ctx, benchRequest(-1-i, now.Add(-time.Duration(i)*time.Second))); err != nil {
					b.Fatal(err)
				}
			}
			cpu, writes := cpuTime(), writeCalls()
			b.ResetTimer()
			n, first := inParallel(b.N, writers, func(i int) error { return submission(ctx, db, i, now, limits) })
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(writeCalls()-writes)/float64(b.N), "writes/op")
			if n > 0 {
				b.Fatalf("%d of %d submissions failed, first: %v", n, b.N, first)
			}
		})
	}
}

// submission is one submission's writes, as approval.Service.Submit and the bot make them.
func submission(ctx context.Context, db approval.Store, i int, now time.Time, limits []approval.Limit) error {
	if ok, err := db.ClaimEnvelope(ctx, fmt.Sprintf("env-%d", i), now); err != nil || !ok {
		return fmt.Errorf("claim envelope: %v, %w", ok, err)
	}
	r := benchRequest(i, now)
	r.Requester, r.Target.Username = fmt.Sprintf("U%04d", i%20), fmt.Sprintf("user%08d", i)
	if err := db.CreateLimited(ctx, r, limits, approval.Event{At: now, Actor: r.Requester, Kind: "submitted"}); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	r.Thread = approval.Thread{Channel: "C1", TS: fmt.Sprintf("1700000000.%06d", i)}
	if err := db.UpdateDrawn(ctx, r); err != nil {
		return fmt.Errorf("save the thread: %w", err)
	}
	return nil
}

// cpuTime is the CPU time the process has spent so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeCalls is the count of write system calls the process has made so far (syscw in
// /proc/self/io), 0 where the system does not say.
func writeCalls() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}
