-- Store one vector per claim for $model. batch_rows (see db.query_rows) holds one row per vector
-- component: claim_id, pos (0-based), value; a whole batch is one statement. A claim that already
-- has a vector for this model keeps it (an anti-join, so the statement also runs on DuckLake).
INSERT INTO claim_embeddings (claim_id, model, vector, created_at)
SELECT n.claim_id, $model, n.vector, $created_at
FROM (SELECT claim_id::BIGINT AS claim_id, list(value::FLOAT ORDER BY pos::INTEGER) AS vector
      FROM batch_rows
      GROUP BY claim_id::BIGINT) n
WHERE NOT EXISTS (
    SELECT 1 FROM claim_embeddings e WHERE e.model = $model AND e.claim_id = n.claim_id
);
