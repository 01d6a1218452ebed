-- The ids under which stories hold the given (story, normalised claim) pairs.
SELECT c.id, c.story_id, c.normalized
FROM claims c
JOIN (SELECT unnest($story_ids::BIGINT[]) AS story_id,
             unnest($normalized::VARCHAR[]) AS normalized) w
  ON c.story_id = w.story_id AND c.normalized = w.normalized;
