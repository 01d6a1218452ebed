-- Bench fixture: a story to attach articles to; $id comes from story_ids.
INSERT INTO stories (id, name, created_at) VALUES ($id, $name, $now);
