-- Labelled pairs from the editors' corrections (the latest per claim): the corrected claim's text
-- against the claim it restates (label 1) or against its nearest claim (label 0).
WITH latest AS (
    SELECT * FROM claim_corrections
    QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY corrected_at DESC, id DESC) = 1
)
SELECT l.id, CASE l.verdict WHEN 'seen' THEN 1 ELSE 0 END AS label, other.text AS earlier, c.text AS later
FROM latest l
JOIN claims c ON c.id = l.claim_id
JOIN claims other ON other.id = CASE l.verdict WHEN 'seen' THEN l.seen_as ELSE l.nearest_id END
ORDER BY l.id;
