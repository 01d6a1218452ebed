SELECT id FROM articles WHERE story_id = ? ORDER BY id
