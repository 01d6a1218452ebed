-- Entries whose page is due: new ones, and failed ones whose retry time has come (parked entries
-- have no next_attempt_at). Oldest first so a backlog drains in discovery order.
SELECT id, feed_id, url, title, published_at, attempts
FROM entries
WHERE state = 'pending'
   OR (state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= $now)
ORDER BY discovered_at, id
LIMIT $limit
