-- bench: one story per planned story, announced long ago.
INSERT INTO stories (name, tracked, keywords, created_at, last_article_at, announced_at)
SELECT story_name, false, [], min(seen_at), max(seen_at), min(seen_at)
FROM bench_plan
GROUP BY story_name
