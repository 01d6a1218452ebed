-- The ids under which stories hold the given (story, normalised claim) pairs (rows in batch_rows).
SELECT c.id, c.story_id, c.normalized
FROM (SELECT id, story_id, normalized FROM claims
      WHERE story_id IN (SELECT DISTINCT story_id::BIGINT FROM batch_rows)) c
JOIN (SELECT DISTINCT story_id::BIGINT AS story_id, normalized::VARCHAR AS normalized
      FROM batch_rows) w
  ON c.story_id = w.story_id AND c.normalized = w.normalized;
