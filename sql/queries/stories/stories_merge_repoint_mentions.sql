UPDATE claim_mentions AS cm
SET claim_id = k.id, story_id = $1
FROM claims AS m, claims AS k
WHERE cm.claim_id = m.id AND m.story_id = $2 AND k.story_id = $1 AND k.normalized = m.normalized
