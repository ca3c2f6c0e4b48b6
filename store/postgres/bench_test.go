package postgres_test

import (
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/postgres"
	"github.com/resetbot/resetbot/store/storetest"
)

// BenchmarkStore measures the store's operations on PostgreSQL (storetest.Bench), under the
// same names as SQLite's.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) approval.Store {
		return open(b, postgres.Config{})
	})
}
