-- Claim mentions of the stories $stories (ids joined by commas), earliest first per story: what a
-- split re-points.
SELECT story_id, id, claim_id, article_id, version_id, outlet, mentioned_at
FROM claim_mentions
WHERE story_id IN (SELECT unnest(string_split($stories, ','))::BIGINT)
ORDER BY story_id, mentioned_at, id
