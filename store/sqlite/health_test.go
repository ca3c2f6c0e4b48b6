package sqlite

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/httpserver"
)

func openInternal(t *testing.T) *DB {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "resetbot.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fakeNow is a clock that moves when told.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeNow) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// readyz asks /readyz as the binary wires it, with the store as its "store" check.
func readyz(s *DB) (int, string) {
	h := httpserver.NewHandler(httpserver.Config{Ready: []httpserver.Check{{Name: "store", Run: s.Ping}}})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return rec.Code, rec.Body.String()
}

// TestPingReadsOnceASecondAndWritesNothing: Ping changes nothing in the database, and asks it
// at most once a second: within the second, it answers what it found.
func TestPingReadsOnceASecondAndWritesNothing(t *testing.T) {
	ctx := t.Context()
	s := openInternal(t)
	clock := &fakeNow{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	s.health.now = clock.now
	var before int64
	if err := s.st.ping.QueryRowContext(ctx).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := s.Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}
	var after int64
	if err := s.st.ping.QueryRowContext(ctx).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("Ping wrote: heartbeat %d before, %d after", before, after)
	}

	// The database stops answering: within the second Ping says what it found, after it, the truth.
	if err := s.rdb.Close(); err != nil {
		t.Fatal(err)
	}
	clock.advance(pingCache - time.Nanosecond)
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping within the second: %v, want the answer it cached", err)
	}
	clock.advance(time.Nanosecond)
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping a second later on a closed read pool succeeded")
	}
}

// TestWriteRefusedForLackOfSpaceIsReported fills the database (its page limit stands for a full
// disk): the write that is refused is remembered, /readyz says 503 with the reason, and once a
// write succeeds again the store is ready again.
func TestWriteRefusedForLackOfSpaceIsReported(t *testing.T) {
	ctx := t.Context()
	s := openInternal(t)
	setMaxPages := func(n int64) {
		t.Helper()
		err := s.write(ctx, func(tx *wtx) error {
			_, err := tx.ExecContext(bg, "PRAGMA max_page_count = "+itoa(n))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var pages int64
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if code, body := readyz(s); code != http.StatusOK {
		t.Fatalf("/readyz before: %d %s", code, body)
	}

	setMaxPages(pages)
	big := &approval.Request{ID: "r-big", State: approval.StatePending, Reason: strings.Repeat("x", 64<<10)}
	err := s.Create(ctx, big, approval.Event{Kind: "submitted"})
	if err == nil || !isFull(err) {
		t.Fatalf("Create in a full database: %v, want SQLITE_FULL", err)
	}
	code, body := readyz(s)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "store: not ready: sqlite: the last write was refused for lack of space") ||
		!strings.Contains(body, "full") {
		t.Errorf("/readyz with a full disk: %d %q, want 503 and the reason", code, body)
	}

	if code, _ := readyz(s); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz asked again: %d, want 503 still: no write has succeeded", code)
	}
	setMaxPages(pages + 1000) // room is made, by a write that succeeds
	if err := s.Create(ctx, big, approval.Event{Kind: "submitted"}); err != nil {
		t.Fatalf("Create once there is room: %v", err)
	}
	if code, body := readyz(s); code != http.StatusOK {
		t.Errorf("/readyz after a write succeeded: %d %s", code, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
