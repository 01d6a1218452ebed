INSERT INTO stories (name, tracked, keywords, created_at) VALUES (?, true, ?, ?) RETURNING id
