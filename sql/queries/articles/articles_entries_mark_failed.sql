-- next_attempt_at NULL parks the entry for good; a stale batch never demotes a stored entry.
UPDATE entries
SET state = 'failed', attempts = ?, last_error = ?, next_attempt_at = ?
WHERE id = ? AND state <> 'stored'
