package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/resetbot/resetbot/internal/idlerelease"
)

// When a busy bot gives memory back (internal/idlerelease): once the work pool has run
// releaseBusy pieces at once and then none for releaseQuiet, at most once per releaseGap.
const (
	releaseQuiet = time.Second
	releaseGap   = 30 * time.Second
	releaseBusy  = 32
	// releaseStoreTimeout bounds the store's part of a release.
	releaseStoreTimeout = 10 * time.Second
	// connectionsClosing is how long the release lets the closed connections' goroutines end
	// before collecting, so that their stacks and buffers go in the same collection.
	connectionsClosing = 100 * time.Millisecond
)

// memoryReleaser is what can give back memory it holds: a store (SQLite's page caches;
// PostgreSQL's pool sizes itself), the workflow (the versions of open requests it keeps).
type memoryReleaser interface {
	ReleaseMemory(ctx context.Context) error
}

// idleCloser is an HTTP transport that can close its idle connections.
type idleCloser interface{ CloseIdleConnections() }

// newIdleRelease watches the work pool and runs releaseMemory after a busy period.
func newIdleRelease(transports []idleCloser, opened func() []memoryReleaser, log *slog.Logger) (*idlerelease.Watcher, error) {
	return idlerelease.New(idlerelease.Config{
		Quiet:   releaseQuiet,
		Gap:     releaseGap,
		Busy:    releaseBusy,
		Release: releaseMemory(transports, opened, log),
	})
}

// releaseMemory closes the idle HTTP connections of the transports, has what the opening
// opened free its caches (the store's, the workflow's; opened returns none before), and gives
// the Go heap's free memory back to the OS. Without it, what a burst grew
// stays: the heap until the next collection, which an idle bot may not run for two minutes, and
// the connections (two goroutines and their buffers each) for their idle timeout. Two
// collections: the first leaves what sync.Pools held to the second.
func releaseMemory(transports []idleCloser, opened func() []memoryReleaser, log *slog.Logger) func() {
	return func() {
		start := time.Now()
		for _, t := range transports {
			t.CloseIdleConnections()
		}
		for _, r := range opened() {
			ctx, cancel := context.WithTimeout(context.Background(), releaseStoreTimeout)
			if err := r.ReleaseMemory(ctx); err != nil {
				log.Warn("caches kept after a busy period", "holder", fmt.Sprintf("%T", r), "err", err)
			}
			cancel()
		}
		time.Sleep(connectionsClosing)
		runtime.GC()
		debug.FreeOSMemory()
		log.Debug("memory given back after a busy period", "took", time.Since(start).String())
	}
}
