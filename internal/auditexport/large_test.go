package auditexport

import (
	"bytes"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/resetbot/resetbot/store/sqlite"
)

// largeEvents is how many events the large store holds.
const largeEvents = 30_000

// heapSampler counts the lines written to it and, every interval lines, records the live heap
// after a collection.
type heapSampler struct {
	lines, interval int
	samples         []uint64
}

func (h *heapSampler) Write(p []byte) (int, error) {
	h.lines += bytes.Count(p, []byte("\n"))
	if h.lines >= (len(h.samples)+1)*h.interval {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.samples = append(h.samples, m.HeapAlloc)
	}
	return len(p), nil
}

// TestExportMemoryStaysFlat exports a store of 30,000 events, 750 requests' worth,
// and checks that the live heap after the first 3,000 records does not grow with the rest.
func TestExportMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a large store")
	}
	path := filepath.Join(t.TempDir(), "resetbot.db")
	store, err := sqlite.Open(t.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	fillEvents(t, path, largeEvents)

	for _, format := range []Format{JSONLines, CSV} {
		t.Run(string(format), func(t *testing.T) {
			h := &heapSampler{interval: 3_000}
			n, err := Export(t.Context(), store, Filter{}, format, h)
			if err != nil {
				t.Fatalf("Export: %v", err)
			}
			if n != largeEvents {
				t.Fatalf("exported %d records, want %d", n, largeEvents)
			}
			if len(h.samples) < 5 {
				t.Fatalf("only %d heap samples", len(h.samples))
			}
			first, peak := h.samples[0], h.samples[0]
			for _, s := range h.samples[1:] {
				peak = max(peak, s)
			}
			const slack = 2 << 20 // the records in flight, the driver's buffers
			t.Logf("live heap after %d records: %d KiB; peak after: %d KiB (samples %v)", h.interval, first>>10, peak>>10, h.samples)
			if peak > first+slack {
				t.Errorf("the live heap grew from %d KiB to %d KiB over %d records: the export keeps what it wrote",
					first>>10, peak>>10, largeEvents)
			}
		})
	}
}

// fillEvents writes n events straight into the SQLite file in one transaction (going through
// Append would sync each one to disk): groups of 40 events about one request id each, the
// requests themselves not stored, as in a trail whose requests were made long ago.
func fillEvents(t *testing.T, path string, n int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO events (request_id, at, actor, kind, rule, outcome, aws_request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := fmt.Sprintf("r-%08d", i/40)
		if _, err := stmt.Exec(id, t0.UnixNano()+int64(i)*1e9, "U0LEAD001", "approved", "prod-support", "approved",
			fmt.Sprintf("aws-%d", i), "1 of 1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
