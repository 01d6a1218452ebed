-- Test helper: every mention of a story with its claim, in reading order.
SELECT m.version_id, m.sentence_index, m.sentence, m.status, m.score, c.id, c.kind, c.changed_from,
       c.first_outlet
FROM claim_mentions m
JOIN claims c ON c.id = m.claim_id
WHERE m.story_id = $story_id
ORDER BY m.version_id, m.sentence_index;
