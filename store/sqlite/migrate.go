package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"

	"github.com/resetbot/resetbot/store/internal/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the migrations newer than the database's schema version, all in one
// immediate transaction: a fresh store gets its whole schema with one sync to disk, and two
// processes starting at once apply each migration exactly once (the second reads the version
// under the write lock, after the first has committed). A failed migration leaves the schema
// as it was. It returns the schema version reached.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger) (_ int, err error) {
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL
	)`); err != nil {
		return 0, fmt.Errorf("create schema_version: %w", err)
	}
	var newest int
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&newest); err != nil {
		return 0, fmt.Errorf("read schema_version: %w", err)
	}
	if newest > len(ms) {
		return newest, &migration.NewerError{Database: newest, Known: len(ms)}
	}
	var applied []migration.Migration
	for _, m := range ms[newest:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return newest, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
			return newest, fmt.Errorf("migration %s: record: %w", m.Name, err)
		}
		applied = append(applied, m)
	}
	if err := tx.Commit(); err != nil {
		return newest, fmt.Errorf("migrate: commit: %w", err)
	}
	for _, m := range applied {
		log.Info("store migration applied", "schema_version", m.Version, "migration", m.Name)
	}
	return len(ms), nil
}
