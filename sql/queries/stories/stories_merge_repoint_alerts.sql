UPDATE alerts AS al
SET claim_id = k.id, story_id = $1
FROM claims AS m, claims AS k
WHERE al.claim_id = m.id AND al.story_id = $2 AND m.story_id = $2
  AND k.story_id = $1 AND k.normalized = m.normalized
  AND NOT EXISTS (
      SELECT 1 FROM alerts x
      WHERE x.kind = al.kind AND x.story_id = $1 AND x.claim_id = k.id AND x.channel = al.channel
  )
