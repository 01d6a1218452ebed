-- A stale batch never demotes an entry whose article is already stored.
UPDATE entries
SET state = 'skipped', last_error = ?, processed_at = ?, next_attempt_at = NULL
WHERE id = ? AND state <> 'stored'
