package sqlite

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// TestReleaseMemoryKeepsTheStoreWorking: a release closes the idle read connections and
// frees the writer's cache, between the writes of callers still writing, and the store reads
// and writes as before; a closed store refuses it.
func TestReleaseMemoryKeepsTheStoreWorking(t *testing.T) {
	ctx := t.Context()
	s := openInternal(t)
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	create := func(i int) error {
		return s.Create(ctx, &approval.Request{ID: fmt.Sprintf("r-%03d", i), State: approval.StatePending,
			Requester: "U1", CreatedAt: at, UpdatedAt: at})
	}
	for i := range 100 {
		if err := create(i); err != nil {
			t.Fatal(err)
		}
	}
	var readers sync.WaitGroup
	for range readConns { // every read connection opened, then idle
		readers.Go(func() {
			if _, err := s.Pending(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	readers.Wait()
	if s.rdb.Stats().Idle == 0 {
		t.Fatal("no idle read connection before the release")
	}

	var writers sync.WaitGroup
	for i := 100; i < 200; i++ {
		writers.Go(func() {
			if err := create(i); err != nil {
				t.Error(err)
			}
		})
	}
	if err := s.ReleaseMemory(ctx); err != nil {
		t.Fatalf("ReleaseMemory: %v", err)
	}
	writers.Wait()
	if got := s.rdb.Stats().Idle; got != 0 {
		t.Errorf("%d idle read connections after the release, want 0", got)
	}
	n := 0
	if err := s.EachPending(ctx, func(*approval.Request) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 200 {
		t.Errorf("%d pending requests after the release, want 200", n)
	}
	if got := s.rdb.Stats().MaxOpenConnections; got != readConns {
		t.Errorf("read pool of %d after the release, want %d", got, readConns)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseMemory(ctx); !errors.Is(err, errClosed) {
		t.Errorf("ReleaseMemory on a closed store: %v, want %v", err, errClosed)
	}
}
