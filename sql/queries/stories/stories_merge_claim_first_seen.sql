UPDATE claims AS k
SET first_version_id = m.first_version_id, first_article_id = m.first_article_id,
    first_outlet = m.first_outlet, first_seen_at = m.first_seen_at
FROM claims AS m
WHERE k.story_id = $1 AND m.story_id = $2 AND m.normalized = k.normalized
  AND m.first_seen_at < k.first_seen_at
