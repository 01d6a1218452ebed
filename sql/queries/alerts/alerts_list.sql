-- Recent and pending deliveries for `monitor alerts`: unfinished rows first, then newest.
SELECT a.id, a.status, a.kind, a.channel, a.story_id, s.name AS story, c.text AS claim,
       a.attempts, a.last_error, a.created_at, a.next_attempt_at, a.sent_at
FROM alerts a
LEFT JOIN stories s ON s.id = a.story_id
LEFT JOIN claims c ON c.id = a.claim_id AND a.kind <> 'new_story'
WHERE ($status IS NULL OR a.status = $status)
  AND ($channel IS NULL OR a.channel = $channel)
ORDER BY CASE WHEN a.status IN ('pending', 'failed', 'sending', 'unknown') THEN 0 ELSE 1 END,
         coalesce(a.sent_at, a.created_at) DESC, a.id DESC
LIMIT $limit
