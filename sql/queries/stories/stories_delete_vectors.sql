DELETE FROM story_vectors WHERE story_id IN (SELECT unnest(string_split(?, ','))::BIGINT)
