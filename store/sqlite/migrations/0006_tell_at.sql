-- When a request has steps stored and not yet told in its thread (its card and notices), the
-- time after which any process's sweeper tells them; NULL when everything is told.
ALTER TABLE requests ADD COLUMN tell_at INTEGER;

CREATE INDEX requests_by_tell_at ON requests (tell_at) WHERE tell_at IS NOT NULL;
