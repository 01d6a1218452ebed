-- A new untracked story; the caller draws its id from story_ids (db.insert_with_id).
INSERT INTO stories (id, name, tracked, created_at, last_article_at) VALUES (?, ?, false, ?, ?)
