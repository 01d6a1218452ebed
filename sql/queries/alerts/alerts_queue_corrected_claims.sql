-- Queue the claims an editor corrected to `new` since $since for one channel, honouring its filters
-- (alerts_queue_claims queues only claims detected since $since; a correction can come later).
INSERT INTO alerts (kind, claim_id, story_id, channel, status, attempts, created_at)
SELECT 'new_claim', c.id, c.story_id, $channel, 'pending', 0, $now
FROM claim_corrections k
JOIN claims c ON c.id = k.claim_id
JOIN stories s ON s.id = c.story_id
WHERE k.corrected_at >= $since AND k.verdict = 'new' AND c.kind = 'new'
  AND 1 >= $min_rank
  AND (len($stories::VARCHAR[]) = 0 OR list_contains($stories::VARCHAR[], lower(s.name)))
  AND (NOT $tracked_only OR s.tracked)
  AND NOT EXISTS (SELECT 1 FROM alerts a
                  WHERE a.channel = $channel AND a.claim_id = c.id AND a.story_id = c.story_id
                    AND a.kind = 'new_claim')
GROUP BY c.id, c.story_id
ORDER BY c.id
