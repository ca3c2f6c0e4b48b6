package sqlite_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/sqlite"
	"github.com/resetbot/resetbot/store/storetest"
)

func benchDB(b *testing.B) approval.Store {
	b.Helper()
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// BenchmarkStore measures the store's operations on a WAL SQLite file (storetest.Bench).
func BenchmarkStore(b *testing.B) { storetest.Bench(b, benchDB) }

// BenchmarkConcurrentWriters measures request lives written from many goroutines at once
// (storetest.BenchConcurrentWriters).
func BenchmarkConcurrentWriters(b *testing.B) { storetest.BenchConcurrentWriters(b, benchDB) }

// BenchmarkSubmissions measures the writes of submissions made at once (storetest.BenchSubmissions).
func BenchmarkSubmissions(b *testing.B) { storetest.BenchSubmissions(b, benchDB) }
