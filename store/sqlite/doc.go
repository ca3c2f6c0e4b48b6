// Package sqlite is the embedded approval.Store: one SQLite file, no server, no cgo
// (modernc.org/sqlite). It is the default for a single replica.
//
// Open creates the file (mode 0600) and its directory on first start, turns on WAL, a busy
// timeout and a sync to disk at every commit, and applies the embedded migrations in migrations/ that the file's schema_version
// table does not list yet, in one transaction each. To change the schema, add the next numbered
// file (0002_what.sql); never edit one that has shipped.
//
// A request is stored as the columns the queries filter and sort on plus the whole request as
// JSON; its version column is the compare-and-swap guard. A change and its audit events are
// written in one transaction. Audit events are append-only: triggers refuse to change or delete
// one. Neither ever holds a password. Claimed Slack envelope ids are kept for an hour.
package sqlite
