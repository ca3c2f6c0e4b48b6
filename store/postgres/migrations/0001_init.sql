-- Requests: the columns the queries filter and sort on, and the whole request as JSON (kept as
-- text, byte for byte). Times are Unix nanoseconds, as the workflow compares them to the
-- nanosecond; NULL means "not set".
CREATE TABLE requests (
	seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id          text PRIMARY KEY,
	version     bigint NOT NULL,
	state       text NOT NULL,
	requester   text NOT NULL,
	pool_id     text NOT NULL,
	username    text NOT NULL,
	action      text NOT NULL,
	created_at  bigint NOT NULL,
	expires_at  bigint,
	remind_at   bigint,
	reminded    boolean NOT NULL DEFAULT false,
	lease_until bigint,
	withdrawn   boolean NOT NULL DEFAULT false,
	body        text NOT NULL
);

CREATE INDEX requests_by_state ON requests (state, created_at);
CREATE INDEX requests_by_target ON requests (pool_id, username, created_at);
CREATE INDEX requests_by_requester ON requests (requester, created_at);

-- The audit trail. Append-only: the trigger refuses any change to a written event, whoever
-- the role (TRUNCATE too).
CREATE TABLE events (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	request_id     text NOT NULL,
	at             bigint NOT NULL,
	actor          text NOT NULL,
	kind           text NOT NULL,
	rule           text NOT NULL,
	outcome        text NOT NULL,
	aws_request_id text NOT NULL,
	detail         text NOT NULL
);

CREATE INDEX events_by_request ON events (request_id, id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
	FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Slack envelope ids already handled by some replica; claims older than an hour are purged.
CREATE TABLE envelope_claims (
	envelope_id text PRIMARY KEY,
	claimed_at  bigint NOT NULL
);

CREATE INDEX envelope_claims_by_age ON envelope_claims (claimed_at);

-- One row that Ping rewrites to prove the database takes writes.
CREATE TABLE heartbeat (
	id    integer PRIMARY KEY CHECK (id = 1),
	beats bigint NOT NULL
);

INSERT INTO heartbeat (id, beats) VALUES (1, 0);
