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

// migrate applies the migrations newer than the database's schema version, each in its own
// immediate transaction, so that two processes starting at once apply each exactly once.
// It returns the schema version reached.
func migrate(ctx context.Context, db *sql.DB, log *slog.Logger) (int, error) {
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL
	)`); err != nil {
		return 0, fmt.Errorf("create schema_version: %w", err)
	}
	var newest int
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&newest); err != nil {
		return 0, fmt.Errorf("read schema_version: %w", err)
	}
	if newest > len(ms) {
		return newest, &migration.NewerError{Database: newest, Known: len(ms)}
	}
	current := 0
	for _, m := range ms {
		applied, err := apply(ctx, db, m)
		if err != nil {
			return current, err
		}
		if applied {
			log.Info("store migration applied", "schema_version", m.Version, "migration", m.Name)
		}
		current = m.Version
	}
	return current, nil
}

// apply runs one migration unless the database already has it.
func apply(ctx context.Context, db *sql.DB, m migration.Migration) (applied bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migration %s: begin: %w", m.Name, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_version WHERE version = ?", m.Version).Scan(&n); err != nil {
		return false, fmt.Errorf("migration %s: read schema_version: %w", m.Name, err)
	}
	if n > 0 {
		return false, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_version (version, name) VALUES (?, ?)", m.Version, m.Name); err != nil {
		return false, fmt.Errorf("migration %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: commit: %w", m.Name, err)
	}
	return true, nil
}
