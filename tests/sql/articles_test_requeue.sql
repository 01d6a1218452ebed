-- Test helper: put an entry back in the queue, as the feeds stage does when its entry is updated.
UPDATE entries SET state = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL
WHERE id = ?
