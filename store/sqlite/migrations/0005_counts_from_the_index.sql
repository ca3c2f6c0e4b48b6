-- The rate-limit counts (per requester, per user, open requests) read only the index: it
-- holds withdrawn and action, which the counts filter on, so counting a requester's
-- requests in the window reads no row (each row carries its body, and withdrawn comes after
-- it). The same indexes still serve every lookup by requester or by user.
DROP INDEX requests_by_requester;
CREATE INDEX requests_by_requester ON requests (requester, created_at, withdrawn, action);
DROP INDEX requests_by_target;
CREATE INDEX requests_by_target ON requests (pool_id, username, created_at, withdrawn, action);
