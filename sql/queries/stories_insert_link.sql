INSERT INTO story_links (article_id, story_id, score, reason, linked_at, is_current)
VALUES (?, ?, ?, ?, ?, true)
