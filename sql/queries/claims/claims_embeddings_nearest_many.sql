-- Semantic candidates: for each query sentence, the claims of its story whose $model vectors are
-- closest by cosine, at least $min_cosine, best $per_query first (ties: the lower claim id).
-- batch_rows holds one row per query vector component: query_no, story_id, pos (0-based), value.
-- A brute-force scan of the story's vectors; docs/claims-model.md has its measured cost.
WITH queries AS (
    SELECT query_no::BIGINT AS query_no, any_value(story_id::BIGINT) AS story_id,
           list(value::FLOAT ORDER BY pos::INTEGER) AS vector
    FROM batch_rows
    GROUP BY query_no::BIGINT
),
scored AS (
    SELECT q.query_no, c.id AS claim_id, list_dot_product(e.vector, q.vector) AS cosine
    FROM queries q
    JOIN claims c ON c.story_id = q.story_id
    JOIN claim_embeddings e ON e.claim_id = c.id AND e.model = $model
)
SELECT query_no, claim_id, cosine
FROM scored
WHERE cosine >= $min_cosine
QUALIFY row_number() OVER (PARTITION BY query_no ORDER BY cosine DESC, claim_id) <= $per_query
ORDER BY query_no, cosine DESC, claim_id;
