package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/resetbot/resetbot/approval"
)

// busyTimeoutMS is how long a statement waits for another writer before giving up.
const busyTimeoutMS = 10000

// DB is an approval.Store in one SQLite file.
type DB struct {
	db   *sql.DB
	log  *slog.Logger
	lock *os.File // held while the store is open: one process per database
}

var _ approval.Store = (*DB)(nil)

// Open opens the SQLite database at path, creating it and its directory when missing, and
// brings its schema up to date.
func Open(ctx context.Context, path string, logger *slog.Logger) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty path")
	}
	if logger == nil {
		return nil, errors.New("sqlite: open: nil logger")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := createFile(abs); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	held, err := lock(abs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		_ = held.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &DB{db: db, log: logger.With("store", "sqlite", "path", abs), lock: held}
	if err := s.init(ctx); err != nil {
		_ = db.Close()
		_ = held.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// dsn is the connection string: WAL so readers never block the writer, a busy timeout so
// concurrent writers queue instead of failing, and immediate transactions so a transaction
// that will write takes the write lock up front. Every commit is synced to disk (synchronous
// FULL): a run's claim must survive a power loss, or the request would come back approved
// after the Cognito call was made, and be run again. Temporary tables and indexes stay in
// memory, so that a container with a read-only root file system needs nothing writable but
// the database's own directory.
func dsn(abs string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// createFile makes the database file readable by its owner only before SQLite creates it
// with looser permissions.
func createFile(abs string) error {
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return fmt.Errorf("create directory: %w", err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create file: %w", err)
	}
	return f.Close()
}

func (s *DB) init(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	version, err := migrate(ctx, s.db, s.log)
	if err != nil {
		return err
	}
	s.log.Info("store opened", "schema_version", version)
	return nil
}

// Ping checks that the database answers and takes writes.
func (s *DB) Ping(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE heartbeat SET beats = beats + 1 WHERE id = 1"); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes the database and lets another process open it.
func (s *DB) Close() error {
	err := s.db.Close()
	if lerr := s.lock.Close(); lerr != nil && !errors.Is(lerr, os.ErrClosed) && err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}
