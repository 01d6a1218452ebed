-- Test helper: each claim of a story with its kind, confidence, nearest claim and uncertain flag.
SELECT id, kind, text, confidence, nearest_claim_id, nearest_score, uncertain, change_kind, seen_as
FROM claims
WHERE story_id = $story_id
ORDER BY id;
