-- Slack envelope ids the bot has handled, so that an envelope Slack delivers again (to this
-- process after a restart, or to another connection) is handled once. Claims older than an
-- hour are purged as new ones are made.
CREATE TABLE envelopes (
	id         TEXT PRIMARY KEY,
	claimed_at INTEGER NOT NULL
);

CREATE INDEX envelopes_by_age ON envelopes (claimed_at);
