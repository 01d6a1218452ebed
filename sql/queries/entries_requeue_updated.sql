-- An entry whose updated date changed: fetch its page again so a new version can be stored.
UPDATE entries SET
    url = ?,
    title = ?,
    updated_at = ?,
    state = 'pending',
    attempts = 0,
    next_attempt_at = NULL,
    last_error = NULL
WHERE feed_id = ? AND guid = ?
