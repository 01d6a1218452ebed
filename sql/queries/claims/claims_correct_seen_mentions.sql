-- The corrected claim's mentions read `seen`, next to the claim they restate.
UPDATE claim_mentions SET status = 'seen', nearest_claim_id = $seen_as, uncertain = false,
                          confidence = 1.0
WHERE claim_id = $claim_id
