UPDATE story_links SET is_current = false WHERE article_id = ? AND is_current
