package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/resetbot/resetbot/store/internal/migration"
)

// OpenReader opens the existing SQLite database at path to read it alongside the process
// that has it open (resetbot audit on a running bot's store): it takes no lock, applies no
// migration and refuses every write (query_only). In WAL mode its reads never block that
// process's writes. The database's schema must be the one this build knows.
func OpenReader(ctx context.Context, path string, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		return nil, errors.New("sqlite: open reader: nil logger")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open reader %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("sqlite: open reader %s: %w", path, err)
	}
	s := &DB{log: logger.With("store", "sqlite", "path", abs), health: health{now: time.Now},
		ops: make(chan *writeOp), shrink: make(chan chan error), quit: make(chan struct{}), stopped: make(chan struct{})}
	fail := func(err error) (*DB, error) {
		_ = s.closeAll()
		return nil, fmt.Errorf("sqlite: open reader %s: %w", path, err)
	}
	// Both pools refuse writes: a write reaches the writer and fails there, never hangs.
	if s.wdb, err = sql.Open("sqlite", dsn(abs, true)); err != nil {
		return fail(err)
	}
	s.wdb.SetMaxOpenConns(1)
	if err := checkSchema(ctx, s.wdb); err != nil {
		return fail(err)
	}
	if s.rdb, err = sql.Open("sqlite", dsn(abs, true)); err != nil {
		return fail(err)
	}
	s.rdb.SetMaxOpenConns(readConns)
	if s.st, err = prepare(ctx, s.wdb, s.rdb); err != nil {
		return fail(err)
	}
	go s.writeLoop()
	return s, nil
}

// checkSchema refuses a database whose schema is not the newest this build knows.
func checkSchema(ctx context.Context, db *sql.DB) error {
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	var version int
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema_version (is it a resetbot database?): %w", err)
	}
	switch {
	case version > len(ms):
		return &migration.NewerError{Database: version, Known: len(ms)}
	case version < len(ms):
		return fmt.Errorf("the database's schema is version %d, older than this build's %d: run this build's resetbot serve on it once first", version, len(ms))
	}
	return nil
}
