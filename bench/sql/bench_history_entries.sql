-- bench: the feed entries the history came through, spread over the given feed ids, all stored.
INSERT INTO entries (feed_id, guid, url, title, published_at, discovered_at, state, attempts,
                     article_id, processed_at)
SELECT ($feed_ids)[(p.k % len($feed_ids))::INTEGER + 1], 'history-' || p.k, p.url, p.title,
       p.seen_at, p.seen_at, 'stored', 1, a.id, p.seen_at
FROM bench_plan p JOIN articles a ON a.url = p.url
