-- Every judged sentence of a batch of article versions in one statement, each linked to its
-- claim; a sentence already stored for its version is kept as it is (anti-join: runs on DuckLake).
INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,
                            status, score, outlet, mentioned_at)
SELECT m.claim_id, m.story_id, m.version_id, m.article_id, m.sentence_index, m.sentence, m.status,
       m.score, m.outlet, m.seen_at
FROM (SELECT unnest($claim_ids::BIGINT[]) AS claim_id, unnest($story_ids::BIGINT[]) AS story_id,
             unnest($version_ids::BIGINT[]) AS version_id, unnest($article_ids::BIGINT[]) AS article_id,
             unnest($indexes::INTEGER[]) AS sentence_index, unnest($sentences::VARCHAR[]) AS sentence,
             unnest($statuses::VARCHAR[]) AS status, unnest($scores::DOUBLE[]) AS score,
             unnest($outlets::VARCHAR[]) AS outlet, unnest($seen_at::TIMESTAMP[]) AS seen_at) m
WHERE NOT EXISTS (
    SELECT 1
    FROM (SELECT version_id, sentence_index FROM claim_mentions
          WHERE version_id IN (SELECT unnest($version_ids::BIGINT[]))) x
    WHERE x.version_id = m.version_id AND x.sentence_index = m.sentence_index
);
