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
	"sync"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/internal/purge"
)

// busyTimeoutMS is how long a statement waits for a lock before giving up. With one writer
// and WAL, only a checkpoint or a recovery can make a reader wait.
const busyTimeoutMS = 10000

// readConns is the size of the read pool: enough for the sweeper, the cards and the Home
// tabs to read at once on a small machine, never a connection per waiting goroutine.
const readConns = 4

// readCacheKiB is the page cache of each read connection, in KiB (SQLite's default is 2,000).
// In WAL mode a connection drops its whole cache whenever another has committed since its last
// read, so under load, when the writer commits every few milliseconds, a reader's cache is
// refilled from the file (the OS's page cache) on nearly every read anyway; a large one only
// holds memory, up to 2 MB per connection, that the process keeps once grown.
const readCacheKiB = 256

// DB is an approval.Store in one SQLite file: one writer connection, driven by one goroutine
// that commits the writes of concurrent callers together, and a small pool of readers.
type DB struct {
	wdb  *sql.DB // one connection, used by writeLoop alone once the store is open
	rdb  *sql.DB // the read pool; its connections refuse to write (query_only)
	st   *statements
	log  *slog.Logger
	lock *os.File // held while the store is open: one process per database; nil for a reader

	health health
	claims purge.Schedule // when the writer next purges expired envelope claims

	tx        wtx // the writer's transaction, used by writeLoop alone
	ops       chan *writeOp
	shrink    chan chan error // asks the writer to free its connection's cache (release.go)
	quit      chan struct{}   // closed by Close
	stopped   chan struct{}   // closed when writeLoop has returned
	closeOnce sync.Once
	closeErr  error
}

var _ approval.Store = (*DB)(nil)

// Open opens the SQLite database at path, creating it and its directory when missing, and
// brings its schema up to date.
func Open(ctx context.Context, path string, logger *slog.Logger) (_ *DB, err error) {
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
	s := &DB{log: logger.With("store", "sqlite", "path", abs), lock: held, health: health{now: time.Now},
		ops: make(chan *writeOp), shrink: make(chan chan error), quit: make(chan struct{}), stopped: make(chan struct{})}
	defer func() {
		if err != nil {
			_ = s.closeAll()
			err = fmt.Errorf("sqlite: open %s: %w", path, err)
		}
	}()
	if s.wdb, err = sql.Open("sqlite", dsn(abs, false)); err != nil {
		return nil, err
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	if err := s.init(ctx); err != nil {
		return nil, err
	}
	if s.rdb, err = sql.Open("sqlite", dsn(abs, true)); err != nil {
		return nil, err
	}
	s.rdb.SetMaxOpenConns(readConns)
	s.rdb.SetMaxIdleConns(readConns)
	if s.st, err = prepare(ctx, s.wdb, s.rdb); err != nil {
		return nil, err
	}
	go s.writeLoop()
	return s, nil
}

// dsn is the connection string: WAL so readers never block the writer, a busy timeout, and
// immediate transactions so that the writer's transaction takes the write lock up front.
// Every commit is synced to disk (synchronous FULL): a run's claim must survive a power loss,
// or the request would come back approved after the Cognito call was made, and be run again.
// Temporary tables and indexes stay in memory, so that a container with a read-only root file
// system needs nothing writable but the database's own directory. The read pool's connections
// are query_only: a write through them is refused, and they keep a small page cache
// (readCacheKiB).
func dsn(abs string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", readCacheKiB))
	} else {
		q.Set("_txlock", "immediate")
	}
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

// init checks the journal mode and applies the migrations, on the writer's connection before
// the writer starts.
func (s *DB) init(ctx context.Context) error {
	var mode string
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	version, err := migrate(ctx, s.wdb, s.log)
	if err != nil {
		return err
	}
	s.log.Info("store opened", "schema_version", version)
	return nil
}

// Ping checks that the database answers, without writing: a read, its answer reused for a
// second. A write refused for lack of space (SQLITE_FULL, ENOSPC) makes it fail, saying so,
// until a write succeeds again.
func (s *DB) Ping(ctx context.Context) error {
	select {
	case <-s.quit:
		return errClosed
	default:
	}
	err := s.health.check(ctx, func(ctx context.Context) error {
		var beats int64
		return s.st.ping.QueryRowContext(ctx).Scan(&beats)
	})
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// Close stops the writer once its batch is committed, closes the database and lets another
// process open it. Writes after Close fail.
func (s *DB) Close() error {
	s.closeOnce.Do(func() {
		close(s.quit)
		<-s.stopped
		s.closeErr = s.closeAll()
	})
	if s.closeErr != nil {
		return fmt.Errorf("sqlite: close: %w", s.closeErr)
	}
	return nil
}

// closeAll closes the statements, both pools and the lock, whichever are open.
func (s *DB) closeAll() error {
	if s.st != nil {
		s.st.close()
	}
	var errs []error
	for _, db := range []*sql.DB{s.rdb, s.wdb} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if s.lock != nil {
		if err := s.lock.Close(); !errors.Is(err, os.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
