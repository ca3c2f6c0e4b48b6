-- The version of each request its card was last drawn from (Store.MarkDrawn), as SQLite keeps
-- it (its migration 0006). A card behind its request (drawn_version < version) is drawn again
-- by the sweeper of any replica; the partial index holds only those rows, so listing them reads
-- no other request. A request with no card (no thread) is kept drawn at its own version: it has
-- nothing to be behind. The cards of the requests stored before are taken as drawn.
ALTER TABLE requests ADD COLUMN drawn_version bigint NOT NULL DEFAULT 0;
UPDATE requests SET drawn_version = version;
CREATE INDEX requests_behind ON requests (created_at) WHERE drawn_version < version;
