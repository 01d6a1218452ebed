-- One new article; the caller draws its id from article_ids (db.insert_with_id).
INSERT INTO articles (id, url, outlet, first_seen_at) VALUES (?, ?, ?, ?)
