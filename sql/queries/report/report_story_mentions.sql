-- Every judged sentence of the story's article versions, with the claim it carries and, for a
-- changed claim, the claim it changed.
SELECT m.version_id,
       m.sentence_index,
       m.sentence,
       m.status,
       m.score,
       m.claim_id,
       c.text              AS claim_text,
       c.kind              AS claim_kind,
       c.first_outlet      AS claim_outlet,
       c.first_seen_at     AS claim_first_seen_at,
       c.first_version_id  AS claim_first_version_id,
       c.changed_from,
       earlier.text        AS before_text,
       earlier.first_outlet AS before_outlet,
       earlier.first_version_id AS before_version_id
FROM claim_mentions m
JOIN articles a ON a.id = m.article_id
LEFT JOIN claims c ON c.id = m.claim_id
LEFT JOIN claims earlier ON earlier.id = c.changed_from
WHERE a.story_id = ?
ORDER BY m.version_id, m.sentence_index;
