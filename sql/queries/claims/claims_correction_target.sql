-- The claim a correction is about: its story, kind, text, nearest claim and any earlier correction.
SELECT id, story_id, kind, text, nearest_claim_id, seen_as, changed_from
FROM claims
WHERE id = $claim_id;
