-- Test fixture: an article already linked to a story.
INSERT INTO articles (url, outlet, first_seen_at, story_id) VALUES ($url, $outlet, $now, $story_id)
RETURNING id;
