-- Test helper: the work-queue state of every entry.
SELECT id, state, attempts, next_attempt_at, last_error, article_id, processed_at
FROM entries ORDER BY id
