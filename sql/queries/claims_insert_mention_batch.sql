-- Every judged sentence of one article version in one statement, each linked to its claim; a
-- sentence already stored for the version is kept as it is (anti-join: runs on DuckLake too).
INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,
                            status, score, outlet, mentioned_at)
SELECT m.claim_id, $story_id, $version_id, $article_id, m.sentence_index, m.sentence, m.status,
       m.score, $outlet, $seen_at
FROM (SELECT unnest($claim_ids::BIGINT[]) AS claim_id, unnest($indexes::INTEGER[]) AS sentence_index,
             unnest($sentences::VARCHAR[]) AS sentence, unnest($statuses::VARCHAR[]) AS status,
             unnest($scores::DOUBLE[]) AS score) m
WHERE NOT EXISTS (SELECT 1 FROM claim_mentions x
                  WHERE x.version_id = $version_id AND x.sentence_index = m.sentence_index);
