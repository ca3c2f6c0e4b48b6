-- The audit trail is read by time range (resetbot audit) and by who acted (the Home tab's
-- last decisions).
CREATE INDEX events_by_at ON events (at, id);
CREATE INDEX events_by_actor ON events (actor, id);
