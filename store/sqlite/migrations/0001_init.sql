-- Requests: the columns the queries filter and sort on, and the whole request as JSON.
-- Times are Unix nanoseconds; NULL means "not set".
CREATE TABLE requests (
	id          TEXT PRIMARY KEY,
	version     INTEGER NOT NULL,
	state       TEXT NOT NULL,
	requester   TEXT NOT NULL,
	pool_id     TEXT NOT NULL,
	username    TEXT NOT NULL,
	action      TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER,
	remind_at   INTEGER,
	reminded    INTEGER NOT NULL DEFAULT 0,
	lease_until INTEGER,
	body        TEXT NOT NULL
);

CREATE INDEX requests_by_state ON requests (state, created_at);
CREATE INDEX requests_by_target ON requests (pool_id, username, created_at);
CREATE INDEX requests_by_requester ON requests (requester, created_at);

-- The audit trail. Append-only: the triggers refuse any change to a written event.
CREATE TABLE events (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	request_id     TEXT NOT NULL,
	at             INTEGER NOT NULL,
	actor          TEXT NOT NULL,
	kind           TEXT NOT NULL,
	rule           TEXT NOT NULL,
	outcome        TEXT NOT NULL,
	aws_request_id TEXT NOT NULL,
	detail         TEXT NOT NULL
);

CREATE INDEX events_by_request ON events (request_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- One row that Ping rewrites to prove the database is writable.
CREATE TABLE heartbeat (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	beats INTEGER NOT NULL
);

INSERT INTO heartbeat (id, beats) VALUES (1, 0);
