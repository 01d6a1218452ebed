-- The corrected claim's first mention reads `new` again.
UPDATE claim_mentions SET status = 'new', uncertain = false, confidence = 1.0
WHERE claim_id = $claim_id
  AND version_id = (SELECT first_version_id FROM claims WHERE id = $claim_id)
