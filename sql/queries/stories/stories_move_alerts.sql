UPDATE alerts AS al SET story_id = $1
WHERE al.story_id = $2
  AND NOT EXISTS (
      SELECT 1 FROM alerts x
      WHERE x.kind = al.kind AND x.story_id = $1 AND x.claim_id = al.claim_id AND x.channel = al.channel
  )
