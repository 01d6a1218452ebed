-- Test helper: the judgement of each mention of a sentence: claim, status, nearest claim, score.
SELECT m.claim_id, m.status, m.nearest_claim_id, c.nearest_score
FROM claim_mentions m
JOIN claims c ON c.id = m.claim_id
WHERE m.sentence = $sentence
ORDER BY m.version_id;
