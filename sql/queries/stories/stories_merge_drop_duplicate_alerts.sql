DELETE FROM alerts AS al
WHERE al.story_id = $2 AND al.claim_id IN (
    SELECT m.id FROM claims m JOIN claims k ON k.normalized = m.normalized
    WHERE m.story_id = $2 AND k.story_id = $1
)
