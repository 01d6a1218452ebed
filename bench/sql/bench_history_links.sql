-- bench: the linking decision of every history article.
INSERT INTO story_links (article_id, story_id, score, reason, linked_at, is_current)
SELECT a.id, a.story_id, 90.0, 'linked', a.first_seen_at, true
FROM articles a JOIN bench_plan p ON a.url = p.url
