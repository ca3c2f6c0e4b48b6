-- The pending and approved requests in the order they are listed, oldest first (Pending and
-- EachPending: the sweeper's and the Home tabs' passes). The partial index holds only those
-- rows, so listing them walks the index with no sort. Before, SQLite sorted every open request
-- at each pass, whole rows, in memory (temp_store is MEMORY): ten thousand open requests held
-- megabytes of the process's memory for the length of each pass.
CREATE INDEX requests_open ON requests (created_at) WHERE state IN ('pending', 'approved');
