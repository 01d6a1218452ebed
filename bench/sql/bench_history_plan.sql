-- bench: the synthetic history, one row per article: $articles articles in stories of
-- $per_story articles, spread over the $span_days days before $now, each carrying
-- $sentences sentences drawn from its corpus story's pool.
CREATE OR REPLACE TEMP TABLE bench_plan AS
WITH numbered AS (
    SELECT range AS k,
           range // $per_story AS story_k,
           ($articles + $per_story - 1) // $per_story AS story_count
    FROM range($articles)
), placed AS (
    SELECT n.k, n.story_k,
           (n.story_k % (SELECT count(*) FROM bench_corpus))::INTEGER AS topic_no,
           $now::TIMESTAMP
             - to_seconds((($span_days * 86400.0) * (1.0 - n.story_k / greatest(n.story_count, 1)))::BIGINT)
             + to_seconds((hash(n.k, 'minute') % 2880)::BIGINT * 60) AS seen_at
    FROM numbered n
)
SELECT p.k, p.story_k, p.topic_no, least(p.seen_at, $now::TIMESTAMP) AS seen_at,
       'History: ' || c.title || ' #' || p.story_k AS story_name,
       'http://history-' || (p.k % 50) || '.invalid/news/' || p.k || '.html' AS url,
       'History Outlet ' || (p.k % 50) AS outlet,
       list_transform(range($sentences),
           lambda j: (hash(p.k, j) % len(c.sentences))::INTEGER + 1) AS picks,
       list_transform(picks, lambda i: c.sentences[i]) AS sentence_list,
       list_transform(picks, lambda i: c.normalized[i]) AS normalized_list,
       c.title AS title
FROM placed p JOIN bench_corpus c USING (topic_no)
