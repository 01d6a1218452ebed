-- Claims of the stories in batch_rows (column story_id) that have no $model vector yet, oldest first:
-- what `embed_missing` backfills, at most $limit of them.
SELECT c.id, c.story_id, c.text
FROM claims c
WHERE c.story_id IN (SELECT DISTINCT story_id::BIGINT FROM batch_rows)
  AND NOT EXISTS (SELECT 1 FROM claim_embeddings e WHERE e.claim_id = c.id AND e.model = $model)
ORDER BY c.id
LIMIT $limit;
