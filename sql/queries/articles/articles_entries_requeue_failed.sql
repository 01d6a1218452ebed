-- Put failed (also parked) entries back in the queue; $ids NULL means every failed entry.
UPDATE entries
SET state = 'pending', attempts = 0, next_attempt_at = NULL, last_error = NULL
WHERE state = 'failed' AND ($ids IS NULL OR list_contains($ids, id))
