package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// releasingStore counts the releases asked of it.
type releasingStore struct {
	approval.Store
	released atomic.Int32
}

func (s *releasingStore) ReleaseMemory(context.Context) error {
	s.released.Add(1)
	return nil
}

// TestReleaseMemoryClosesIdleConnectionsAndTheStoresCaches: the release after a busy period
// closes the idle connections of the shared transport and of the Cognito transport, and has
// the store free its caches.
func TestReleaseMemoryClosesIdleConnectionsAndTheStoresCaches(t *testing.T) {
	closed := make(chan struct{}, 2)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			closed <- struct{}{}
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	shared := newHTTPTransport(4)
	cognitoTransport, err := newCognitoTransport(4, shared, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []http.RoundTripper{shared, cognitoTransport} {
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}

	store := &releasingStore{}
	releaseMemory([]idleCloser{shared, cognitoTransport}, func() []memoryReleaser { return []memoryReleaser{store} }, slog.New(slog.DiscardHandler))()

	for range 2 {
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("an idle connection is still open after the release")
		}
	}
	if got := store.released.Load(); got != 1 {
		t.Errorf("the store was asked to release %d times, want 1", got)
	}
}

// TestReleaseReachesWhatTheOpeningOpened: the release asks nothing of the opening before it has
// ended, then the store's caches and the workflow's are given back.
func TestReleaseReachesWhatTheOpeningOpened(t *testing.T) {
	o := newOpening()
	store, service := &releasingStore{}, &approval.Service{}
	o.store, o.service = store, service
	if got := o.openedReleasers(); len(got) != 0 {
		t.Fatalf("before the opening ended: %d to release, want none", len(got))
	}
	if err := o.openNow(t.Context(), func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	got := o.openedReleasers()
	if len(got) != 2 || got[0] != memoryReleaser(store) || got[1] != memoryReleaser(service) {
		t.Fatalf("released %v, want the store then the workflow", got)
	}
}
