SELECT id, claim_id, article_id, version_id, outlet, mentioned_at
FROM claim_mentions WHERE story_id = ? ORDER BY mentioned_at, id
