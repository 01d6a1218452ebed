-- Queue "new story detected" for untracked stories not yet announced, for one channel.
INSERT INTO alerts (kind, claim_id, story_id, channel, status, attempts, created_at)
SELECT 'new_story', 0, s.id, $channel, 'pending', 0, $now
FROM stories s
WHERE NOT s.tracked
  AND s.announced_at IS NULL
  AND s.merged_into IS NULL
  AND s.created_at >= $since
  AND (len($stories::VARCHAR[]) = 0 OR list_contains($stories::VARCHAR[], lower(s.name)))
  AND NOT EXISTS (SELECT 1 FROM alerts a
                  WHERE a.channel = $channel AND a.kind = 'new_story' AND a.story_id = s.id)
ORDER BY s.id
