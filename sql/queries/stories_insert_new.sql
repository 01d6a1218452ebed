INSERT INTO stories (name, tracked, created_at, last_article_at) VALUES (?, false, ?, ?) RETURNING id
