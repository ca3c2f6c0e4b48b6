package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/resetbot/resetbot/store/sqlite"
)

// versionedStore is a store whose schema check can report without migrating (PostgreSQL).
type versionedStore interface {
	SchemaVersion(ctx context.Context) (database, known int, err error)
	CheckPrivileges(ctx context.Context) error
}

// checkStore opens the store and checks that it takes a write. A PostgreSQL store is opened
// without migrating: check reports its schema version, and whether the role may apply the
// migrations that serve would.
func (p *preflight) checkStore(ctx context.Context) checkResult {
	name := "Store " + p.cfg.Store.String()
	st, err := openStoreFor(ctx, p.cfg, false, p.log)
	if errors.Is(err, sqlite.ErrInUse) {
		return fail(name, problem{err.Error(), "a resetbot process has this database open, and only one may: " +
			"its /readyz tells whether its store works; to check the file itself, stop that process first"})
	}
	if err != nil {
		return fail(name, problem{err.Error(), storeFix(p.cfg)})
	}
	defer func() { _ = st.Close() }()
	detail := "writable"
	if vs, ok := st.(versionedStore); ok {
		db, known, err := vs.SchemaVersion(ctx)
		if err != nil {
			return fail(name, problem{err.Error(), storeFix(p.cfg)})
		}
		if err := vs.CheckPrivileges(ctx); err != nil {
			return fail(name, problem{err.Error(), grantFix})
		}
		switch {
		case db > known:
			return fail(name, problem{
				fmt.Sprintf("the database's schema is at version %d, newer than this resetbot knows (%d)", db, known),
				"run the resetbot version that migrated it, or a newer one"})
		case db < known:
			return pass(name, "reachable; schema at version %d of %d: serve applies the rest at start, or run `resetbot store migrate`", db, known)
		}
		detail = fmt.Sprintf("writable, schema at version %d", db)
	}
	if err := st.Ping(ctx); err != nil {
		return fail(name, problem{"the store does not take a write: " + err.Error(), storeFix(p.cfg)})
	}
	return pass(name, "%s", detail)
}

// grantFix says how to give the bot's role what it needs in PostgreSQL.
const grantFix = "as the database's owner: GRANT CREATE, USAGE ON SCHEMA public TO the bot's role (serve migrates), " +
	"or run `resetbot store migrate` as the owner and GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO the bot's role"

// storeFix says how to make the store usable.
func storeFix(cfg Config) string {
	if cfg.Store.Scheme == "postgres" {
		how := "a password in RESETBOT_STORE, PGPASSWORD or RESETBOT_STORE_PASSWORD_FILE"
		if cfg.StoreIAMAuth {
			how = "IAM authentication: the role needs rds-db:connect on the database user (deploy/rds), the user GRANT rds_iam"
		}
		return "make the database reachable from here (host, port, security group, sslmode) and let the user sign in with " + how
	}
	return fmt.Sprintf("make %s a file resetbot can create and write: its directory must exist or be creatable, and be writable by the user resetbot runs as (in the container image, uid 65532 on the volume at /data)", cfg.Store.Path)
}
