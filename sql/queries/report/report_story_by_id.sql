SELECT * FROM story_overview WHERE story_id = ?;
