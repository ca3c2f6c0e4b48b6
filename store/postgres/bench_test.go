package postgres_test

import (
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/postgres"
	"github.com/resetbot/resetbot/store/storetest"
)

func benchDB(b *testing.B) approval.Store { return open(b, postgres.Config{}) }

// BenchmarkStore measures the store's operations on PostgreSQL (storetest.Bench), under the
// same names as SQLite's.
func BenchmarkStore(b *testing.B) { storetest.Bench(b, benchDB) }

// BenchmarkConcurrentWriters measures request lives written from many goroutines at once
// (storetest.BenchConcurrentWriters), through one pool of DefaultMaxConns connections.
func BenchmarkConcurrentWriters(b *testing.B) { storetest.BenchConcurrentWriters(b, benchDB) }

// BenchmarkSubmissions measures the writes of submissions made at once (storetest.BenchSubmissions).
func BenchmarkSubmissions(b *testing.B) { storetest.BenchSubmissions(b, benchDB) }
