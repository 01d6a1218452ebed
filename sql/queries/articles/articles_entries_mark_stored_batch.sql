-- Runs in the same transaction as the batch's article/version writes: an entry is done only once
-- its article is stored.
UPDATE entries
SET state = 'stored', article_id = m.article_id, processed_at = $now, last_error = NULL,
    next_attempt_at = NULL
FROM (SELECT unnest($entry_ids::BIGINT[]) AS entry_id, unnest($article_ids::BIGINT[]) AS article_id) m
WHERE entries.id = m.entry_id
