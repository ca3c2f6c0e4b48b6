-- The audit trail is read by time range (resetbot audit --since/--until, the lookup limit's
-- window) and by who acted (resetbot audit --approver, the lookup limit, the Home tab's last
-- decisions), as SQLite's events are (its migration 0004). Each filter compares the column
-- itself (scan.go), so these indexes serve it; id second gives a person's events in order.
-- Migrations run in one transaction, so the indexes are not built CONCURRENTLY: writes to
-- events wait while they are built, a moment for an audit trail of millions of rows.
CREATE INDEX events_by_at ON events (at, id);
CREATE INDEX events_by_actor ON events (actor, id);
