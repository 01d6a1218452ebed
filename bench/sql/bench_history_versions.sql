-- bench: one version per history article, already linked and judged; raw HTML pruned.
INSERT INTO article_versions (article_id, version, content_hash, title, author, published_at,
                              site_name, text, raw_html, fetched_at, linked_at, claims_at)
SELECT a.id, 1, sha256(array_to_string(p.sentence_list, ' ') || p.k), p.title, NULL, p.seen_at,
       p.outlet, array_to_string(p.sentence_list, ' '), NULL, p.seen_at, p.seen_at, p.seen_at
FROM bench_plan p JOIN articles a ON a.url = p.url
