DELETE FROM claims AS m
WHERE m.story_id = $2
  AND EXISTS (SELECT 1 FROM claims k WHERE k.story_id = $1 AND k.normalized = m.normalized)
