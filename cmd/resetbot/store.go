package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/postgres"
	"github.com/resetbot/resetbot/store/sqlite"
)

// storeOpeners open a store by its URL's scheme; storeSchemes in storeurl.go lists the same
// schemes with what they expect after the colon. migrate false opens without applying schema
// migrations where the backend can (check reports the schema version instead).
var storeOpeners = map[string]func(ctx context.Context, cfg Config, migrate bool, log *slog.Logger) (approval.Store, error){
	"sqlite": func(ctx context.Context, cfg Config, _ bool, log *slog.Logger) (approval.Store, error) {
		return sqlite.Open(ctx, cfg.Store.Path, log)
	},
	"postgres": func(ctx context.Context, cfg Config, migrate bool, log *slog.Logger) (approval.Store, error) {
		password, err := storePassword(ctx, cfg, log)
		if err != nil {
			return nil, err
		}
		return postgres.Open(ctx, postgres.Config{
			URL:         cfg.Store.ConnString(),
			Password:    password,
			SkipMigrate: !migrate,
		}, log)
	},
}

// openStore opens the store the configuration names and brings its schema up to date.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (approval.Store, error) {
	return openStoreFor(ctx, cfg, true, log)
}

// openStoreFor opens the store, applying migrations or not.
func openStoreFor(ctx context.Context, cfg Config, migrate bool, log *slog.Logger) (approval.Store, error) {
	open, ok := storeOpeners[cfg.Store.Scheme]
	if !ok {
		return nil, fmt.Errorf("store %s: scheme %q is not supported", cfg.Store, cfg.Store.Scheme)
	}
	s, err := open(ctx, cfg, migrate, log)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", cfg.Store, err)
	}
	return s, nil
}

// storeReaders open a store to read it beside the bot that has it open (resetbot audit), by
// its URL's scheme: SQLite without its one-process lock and refusing writes.
var storeReaders = map[string]func(ctx context.Context, cfg Config, log *slog.Logger) (approval.Store, error){
	"sqlite": func(ctx context.Context, cfg Config, log *slog.Logger) (approval.Store, error) {
		return sqlite.OpenReader(ctx, cfg.Store.Path, log)
	},
}

// openStoreReader opens the store the configuration names for reading alone; a scheme with no
// reader of its own (a server database, shared by every replica) is opened as the bot opens
// it, without applying migrations.
func openStoreReader(ctx context.Context, cfg Config, log *slog.Logger) (approval.Store, error) {
	open, ok := storeReaders[cfg.Store.Scheme]
	if !ok {
		return openStoreFor(ctx, cfg, false, log)
	}
	s, err := open(ctx, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", cfg.Store, err)
	}
	return s, nil
}
