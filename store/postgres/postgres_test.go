package postgres_test

import (
	"log/slog"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/pgtest"
	"github.com/resetbot/resetbot/store/postgres"
	"github.com/resetbot/resetbot/store/storetest"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// open opens the store on a fresh database of the test's own.
func open(t testing.TB, cfg postgres.Config) *postgres.DB {
	t.Helper()
	if cfg.URL == "" {
		cfg.URL = pgtest.NewDatabase(t)
	}
	db, err := postgres.Open(t.Context(), cfg, discard())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) approval.Store {
		return open(t, postgres.Config{})
	})
}
