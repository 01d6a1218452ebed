-- How many pages a cycle has left to fetch (the same entries as articles_entries_pending).
SELECT count(*)
FROM entries e
WHERE e.state = 'pending'
   OR (e.state = 'failed' AND e.next_attempt_at IS NOT NULL AND e.next_attempt_at <= $now)
