package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/store/internal/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockKey is the advisory lock the replicas take while migrating ("resetbot" in ASCII).
const migrateLockKey int64 = 0x7265736574626f74

// Migrate applies the migrations the database lacks, all in one transaction under an advisory
// lock, so that replicas starting at once apply each exactly once and a failed migration leaves
// the schema as it was. It returns the schema version reached, and refuses a database whose
// schema is newer than this binary knows.
func (s *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return 0, fmt.Errorf("postgres: %w", err)
	}
	version := 0
	var applied []migration.Migration
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Migrations may take longer than an ordinary statement.
		if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLockKey); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return fmt.Errorf("create schema_version: %w", err)
		}
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&version); err != nil {
			return fmt.Errorf("read schema_version: %w", err)
		}
		if version > len(ms) {
			return &migration.NewerError{Database: version, Known: len(ms)}
		}
		for _, m := range ms[version:] {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return fmt.Errorf("migration %s: record: %w", m.Name, err)
			}
			applied = append(applied, m)
			version = m.Version
		}
		return nil
	})
	if err != nil {
		return 0, wrap("migrate", err)
	}
	for _, m := range applied {
		s.log.Info("store migration applied", "schema_version", m.Version, "migration", m.Name)
	}
	return version, nil
}

// SchemaVersion reports the database's schema version (0 before the first migration) and the
// newest this binary knows.
func (s *DB) SchemaVersion(ctx context.Context) (database, known int, err error) {
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: %w", err)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT to_regclass('schema_version') IS NOT NULL").Scan(&exists); err != nil {
		return 0, len(ms), wrap("read the schema version", err)
	}
	if !exists {
		return 0, len(ms), nil
	}
	if err := s.pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&database); err != nil {
		return 0, len(ms), wrap("read the schema version", err)
	}
	return database, len(ms), nil
}
