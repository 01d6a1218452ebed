-- bench: the history's articles, linked to their stories.
INSERT INTO articles (url, outlet, first_seen_at, story_id)
SELECT p.url, p.outlet, p.seen_at, s.id
FROM bench_plan p JOIN stories s ON s.name = p.story_name
