-- Runs in the same transaction as the article/version write: an entry is done only once stored.
UPDATE entries
SET state = 'stored', article_id = ?, processed_at = ?, last_error = NULL, next_attempt_at = NULL
WHERE id = ?
