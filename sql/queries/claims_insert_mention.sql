-- One judged sentence of one article version, linked to the claim it carries; a sentence already
-- stored for the version is kept as it is. An anti-join rather than ON CONFLICT, so the same
-- statement runs on DuckLake (no UNIQUE there).
INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,
                            status, score, outlet, mentioned_at)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
WHERE NOT EXISTS (SELECT 1 FROM claim_mentions m WHERE m.version_id = $3 AND m.sentence_index = $5);
