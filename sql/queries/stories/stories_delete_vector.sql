DELETE FROM story_vectors WHERE story_id = ?
