package main

import (
	"context"
	"io"
	"strconv"
	"strings"
)

// migrator is a store whose schema migrations can be applied on their own (PostgreSQL).
type migrator interface {
	Migrate(ctx context.Context) (int, error)
}

// cmdStore is `resetbot store migrate`: it applies the store's schema migrations and exits, for
// a deploy step that runs before the new replicas (serve applies them too, under a lock).
func cmdStore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && helpFlags[args[0]] {
		say(stdout, "Usage: resetbot store migrate\n\nApplies the store's schema migrations and exits; serve applies them at start too.\nConfigured by the same RESETBOT_* variables as serve (resetbot --help).\n")
		return exitOK
	}
	if len(args) != 1 || args[0] != "migrate" {
		say(stderr, "resetbot store: want `resetbot store migrate` (got %q)\n", strings.Join(args, " "))
		return exitUsage
	}
	cfg, err := LoadConfig()
	if err != nil {
		configError(stderr, err)
		return exitUsage
	}
	log := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	// Opening applies the migrations, SQLite's as PostgreSQL's.
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		log.Error("the store's migrations were not applied", "err", err)
		return exitFail
	}
	defer func() { _ = st.Close() }()
	version := "current"
	if m, ok := st.(migrator); ok {
		v, err := m.Migrate(ctx)
		if err != nil {
			log.Error("the store's migrations were not applied", "err", err)
			return exitFail
		}
		version = "at version " + strconv.Itoa(v)
	}
	say(stdout, "store %s: schema %s\n", cfg.Store, version)
	return exitOK
}
