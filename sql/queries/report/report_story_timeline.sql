SELECT * FROM story_timeline WHERE story_id = ? ORDER BY position;
