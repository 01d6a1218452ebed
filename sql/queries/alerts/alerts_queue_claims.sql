-- Queue every new/changed claim detected since $since for one channel, honouring its filters.
-- "Detected" is when its first article version was judged (claims_at), not claims.first_seen_at,
-- which holds the article's publication time and can be years old for a newly added feed.
-- Only recent versions, and alerts created since $since, are read: a claim detected after $since
-- cannot have an older alert, so the cost follows the backlog window, not the whole history.
INSERT INTO alerts (kind, claim_id, story_id, channel, status, attempts, created_at)
WITH recent_versions AS (
    SELECT id FROM article_versions
    WHERE coalesce(claims_at, fetched_at) >= $since
)
SELECT CASE c.kind WHEN 'changed' THEN 'changed_claim' ELSE 'new_claim' END,
       c.id, c.story_id, $channel, 'pending', 0, $now
FROM claims c
JOIN recent_versions v ON v.id = c.first_version_id
JOIN stories s ON s.id = c.story_id
WHERE c.kind IN ('new', 'changed')
  AND (CASE c.kind WHEN 'changed' THEN 2 ELSE 1 END) >= $min_rank
  AND (len($stories::VARCHAR[]) = 0 OR list_contains($stories::VARCHAR[], lower(s.name)))
  AND (NOT $tracked_only OR s.tracked)
  -- An anti-join rather than ON CONFLICT, so the same statement runs on DuckLake (no UNIQUE there).
  AND NOT EXISTS (SELECT 1 FROM alerts a
                  WHERE a.created_at >= $since
                    AND a.channel = $channel AND a.claim_id = c.id AND a.story_id = c.story_id
                    AND a.kind = CASE c.kind WHEN 'changed' THEN 'changed_claim' ELSE 'new_claim' END)
ORDER BY c.id
