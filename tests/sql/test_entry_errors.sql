-- Test helper: every entry's URL, state, attempts, retry time and last error.
SELECT url, state, attempts, next_attempt_at, last_error FROM entries ORDER BY url
