-- bench: the linker's vector of every history story (its corpus story's strongest terms),
-- written in order of last article, as the linker's delete + insert keeps them.
INSERT INTO story_vectors (story_id, doc_count, last_article_at, terms, weights, titles, updated_at)
SELECT s.id, count(*), max(p.seen_at), any_value(c.terms), any_value(c.weights),
       any_value(c.titles), max(p.seen_at)
FROM bench_plan p
JOIN stories s ON s.name = p.story_name
JOIN bench_corpus c USING (topic_no)
GROUP BY s.id
ORDER BY max(p.seen_at)
