-- Tests: give claim $claim_id the judge's verdict details (uncertain, nearest claim, confidence).
UPDATE claims
SET uncertain = $uncertain, nearest_claim_id = $nearest, nearest_score = 1 - $confidence,
    confidence = $confidence
WHERE id = $claim_id
