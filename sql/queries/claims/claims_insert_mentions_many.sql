-- Every judged sentence of a batch of article versions in one statement (rows in batch_rows, see
-- db.query_rows), each linked to its claim; a sentence already stored for its version is kept as
-- it is (anti-join: runs on DuckLake).
INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,
                            status, score, outlet, mentioned_at, confidence, nearest_claim_id,
                            uncertain, normalized)
SELECT m.claim_id, m.story_id, m.version_id, m.article_id, m.sentence_index, m.sentence, m.status,
       m.score, m.outlet, m.seen_at, m.confidence, m.nearest_claim_id, m.uncertain, m.normalized
FROM (SELECT claim_id::BIGINT AS claim_id, story_id::BIGINT AS story_id,
             version_id::BIGINT AS version_id, article_id::BIGINT AS article_id,
             sentence_index::INTEGER AS sentence_index, sentence::VARCHAR AS sentence,
             status::VARCHAR AS status, score::DOUBLE AS score, outlet::VARCHAR AS outlet,
             seen_at::TIMESTAMP AS seen_at, confidence::DOUBLE AS confidence,
             nearest_claim_id::BIGINT AS nearest_claim_id, uncertain::BOOLEAN AS uncertain,
             normalized::VARCHAR AS normalized
      FROM batch_rows) m
WHERE NOT EXISTS (
    SELECT 1
    FROM (SELECT version_id, sentence_index FROM claim_mentions
          WHERE version_id IN (SELECT DISTINCT version_id::BIGINT FROM batch_rows)) x
    WHERE x.version_id = m.version_id AND x.sentence_index = m.sentence_index
);
