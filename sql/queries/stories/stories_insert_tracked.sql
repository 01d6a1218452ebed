-- A configured (tracked) story; the caller draws its id from story_ids (db.insert_with_id).
INSERT INTO stories (id, name, tracked, keywords, created_at) VALUES (?, ?, true, ?, ?)
