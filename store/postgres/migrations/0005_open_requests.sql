-- The pending and approved requests in the order they are listed, oldest first (Pending and
-- EachPending: the sweeper's and the Home tabs' passes), as SQLite keeps them (its migration
-- 0007). The partial index holds only those rows, in the query's order (created_at, then seq),
-- so listing them reads no final request and sorts nothing. Before, PostgreSQL read the open
-- requests of each state from requests_by_state and sorted them all at each pass. The query
-- writes the states as this predicate does, not as parameters: the planner uses a partial
-- index only when it can prove the query's condition implies the predicate, which a generic
-- plan of a prepared statement cannot. Migrations run in one transaction, so the index is not
-- built CONCURRENTLY: writes to requests wait while it is built, a moment even for millions.
CREATE INDEX requests_open ON requests (created_at, seq) WHERE state IN ('pending', 'approved');
