package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/internal/purge"
)

// Defaults of Config.
const (
	DefaultMaxConns         = 10
	DefaultStatementTimeout = 10 * time.Second
	DefaultConnectTimeout   = 5 * time.Second
)

// Config says how to reach the database.
type Config struct {
	// URL is a pgx connection string (postgres://USER[:PASSWORD]@HOST:PORT/DB?sslmode=…, or
	// key=value pairs). The password may also come from PGPASSWORD or ~/.pgpass, as libpq's.
	URL string
	// Password, when set, gives the password of each new connection (read from a file, or an
	// IAM authentication token): it is called for every connection the pool opens, so a
	// rotated secret or a token that expires after 15 minutes is always fresh.
	Password func(ctx context.Context, e Endpoint) (string, error)
	// MaxConns bounds the pool (pool_max_conns in URL, else DefaultMaxConns, when 0).
	MaxConns int32
	// StatementTimeout bounds every statement on the server, and every call on the client
	// (DefaultStatementTimeout when 0).
	StatementTimeout time.Duration
	// SkipMigrate opens the database without applying migrations (for `resetbot check`, which
	// reports the schema version instead).
	SkipMigrate bool

	// noIdlePing hands out idle connections without pinging them first (tests: the pool
	// pings one idle for more than a second, so a test would rarely meet a broken one).
	noIdlePing bool
}

// Endpoint is the server and role a connection signs in to.
type Endpoint struct {
	Host string
	Port uint16
	User string
}

// DB is an approval.Store on PostgreSQL.
type DB struct {
	pool    *pgxpool.Pool
	log     *slog.Logger
	timeout time.Duration
	claims  purge.Schedule
}

var _ approval.Store = (*DB)(nil)

// Open connects to the database and brings its schema up to date (unless cfg.SkipMigrate).
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		return nil, errors.New("postgres: open: nil logger")
	}
	pc, err := poolConfig(cfg)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s := &DB{
		pool:    pool,
		log:     logger.With("store", "postgres", "database", pc.ConnConfig.Database, "host", pc.ConnConfig.Host),
		timeout: max(cfg.StatementTimeout, 0),
	}
	if s.timeout == 0 {
		s.timeout = DefaultStatementTimeout
	}
	if cfg.SkipMigrate {
		return s, nil
	}
	version, err := s.Migrate(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.log.Info("store opened", "schema_version", version)
	return s, nil
}

// poolConfig is the pool's configuration: bounded, every statement under a timeout on the
// server, a transaction left idle cut off, and the password asked for on every connection.
func poolConfig(cfg Config) (*pgxpool.Config, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		// pgx's message quotes the string, password included: never repeat it.
		return nil, errors.New("postgres: the connection string does not parse: write postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full")
	}
	switch {
	case cfg.MaxConns > 0:
		pc.MaxConns = cfg.MaxConns
	case !strings.Contains(cfg.URL, "pool_max_conns"):
		pc.MaxConns = DefaultMaxConns
	}
	timeout := cfg.StatementTimeout
	if timeout <= 0 {
		timeout = DefaultStatementTimeout
	}
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	params := pc.ConnConfig.RuntimeParams
	ms := strconv.FormatInt(timeout.Milliseconds(), 10)
	params["statement_timeout"] = ms
	params["lock_timeout"] = ms
	params["idle_in_transaction_session_timeout"] = strconv.FormatInt(2*timeout.Milliseconds(), 10)
	if params["application_name"] == "" {
		params["application_name"] = "resetbot"
	}
	if cfg.noIdlePing {
		pc.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	}
	if cfg.Password != nil {
		pc.BeforeConnect = func(ctx context.Context, cc *pgx.ConnConfig) error {
			pw, err := cfg.Password(ctx, Endpoint{Host: cc.Host, Port: cc.Port, User: cc.User})
			if err != nil {
				return fmt.Errorf("the database password: %w", err)
			}
			cc.Password = pw
			return nil
		}
	}
	return pc, nil
}

// op bounds one call to the database, even when the caller set no deadline: a server that
// stopped answering (a network partition, a failover) must not hang a request.
func (s *DB) op(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout+time.Second)
}

// Ping checks that the database answers and takes writes.
func (s *DB) Ping(ctx context.Context) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	// The count of beats means nothing, so a beat counted twice does no harm: it is retried
	// as a read is.
	if err := s.retryRead(ctx, "ping", func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, "UPDATE heartbeat SET beats = beats + 1 WHERE id = 1")
		return err
	}); err != nil {
		return wrap("ping", err)
	}
	return nil
}

// Close closes every connection.
func (s *DB) Close() error {
	s.pool.Close()
	return nil
}
