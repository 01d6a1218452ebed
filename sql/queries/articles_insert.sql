INSERT INTO articles (url, outlet, first_seen_at) VALUES (?, ?, ?) RETURNING id
