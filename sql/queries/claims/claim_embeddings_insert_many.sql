-- Store one vector per claim for $model. batch_rows (see db.query_rows) holds one row per vector
-- component: claim_id, story_id, pos (0-based), value; a whole batch is one statement. A claim that
-- already has a vector for this model keeps it (an anti-join, so the statement also runs on DuckLake).
INSERT INTO claim_embeddings (claim_id, story_id, model, vector, created_at)
SELECT n.claim_id, n.story_id, $model, n.vector, $created_at
FROM (SELECT claim_id::BIGINT AS claim_id, any_value(story_id::BIGINT) AS story_id,
             list(value::FLOAT ORDER BY pos::INTEGER) AS vector
      FROM batch_rows
      GROUP BY claim_id::BIGINT) n
WHERE NOT EXISTS (
    SELECT 1
    FROM (SELECT claim_id FROM claim_embeddings
          WHERE model = $model
            AND story_id IN (SELECT DISTINCT story_id::BIGINT FROM batch_rows)) e
    WHERE e.claim_id = n.claim_id
);
