-- Bench fixture: an article already linked to a story; $id comes from article_ids.
INSERT INTO articles (id, url, outlet, first_seen_at, story_id)
VALUES ($id, $url, $outlet, $now, $story_id);
