-- Requests the bot withdrew itself (their card could not be posted) do not count toward rate
-- limits. Earlier versions marked them only in the body: cancelled, decided by "system".
ALTER TABLE requests ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;

UPDATE requests
   SET withdrawn = 1, body = json_set(body, '$.Withdrawn', json('true'))
 WHERE state = 'cancelled' AND json_extract(body, '$.DecidedBy') = 'system';
