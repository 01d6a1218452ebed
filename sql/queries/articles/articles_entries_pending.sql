-- Entries whose page is due: new ones, and failed ones whose retry time has come (parked entries
-- have no next_attempt_at). Oldest first so a backlog drains in discovery order. The feed's own
-- title comes along as a fallback outlet name.
SELECT e.id, e.feed_id, e.url, e.title, e.published_at, e.attempts, f.title AS feed_title
FROM entries e
LEFT JOIN feeds f ON f.id = e.feed_id
WHERE e.state = 'pending'
   OR (e.state = 'failed' AND e.next_attempt_at IS NOT NULL AND e.next_attempt_at <= $now)
ORDER BY e.discovered_at, e.id
LIMIT $limit
