// Package sqlite is the embedded approval.Store: one SQLite file, no server, no cgo
// (modernc.org/sqlite). It is the default for a single replica, and refuses a second process
// on the same file (an exclusive lock on PATH.lock, lock.go).
//
// Open creates the file (mode 0600) and its directory on first start, turns on WAL, a busy
// timeout and a sync to disk at every commit, and applies the embedded migrations in
// migrations/ that the file's schema_version table does not list yet, in one transaction each.
// To change the schema, add the next numbered file (0002_what.sql); never edit one that has
// shipped.
//
// Writes go through one writer (writer.go): a goroutine that owns the one write connection,
// takes every write waiting at the moment and commits them in one transaction, so that many
// callers share one sync to disk (group commit). Each write runs under a savepoint: a
// compare-and-swap conflict or a rate limit refusing one caller undoes its write alone. So no
// write ever waits on SQLITE_BUSY. Reads use a small pool of query_only connections, which WAL
// never blocks. Every statement is prepared once (statements.go).
//
// A request is stored as the columns the queries filter and sort on plus the whole request as
// JSON; its version column is the compare-and-swap guard. A change and its audit events are
// written in one transaction. Audit events are append-only: triggers refuse to change or delete
// one. Neither ever holds a password. Claimed Slack envelope ids are kept for an hour.
//
// Ping reads, at most once a second, and writes nothing; a write refused for lack of space
// (health.go) makes it fail until a write succeeds again.
package sqlite
