SELECT id, story_id, first_article_id FROM claims WHERE story_id = ? ORDER BY id
