-- Test fixture: a story to attach articles to.
INSERT INTO stories (name, created_at) VALUES ($name, $now) RETURNING id;
