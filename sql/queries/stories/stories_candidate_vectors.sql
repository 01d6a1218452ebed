-- Blocking for a batch: each document's query terms ($docs, $terms, $weights: parallel packed
-- lists) are looked up among stories active since $since; each term keeps only its $per_term
-- most recently active stories, and each document its $per_doc stories sharing the most query
-- weight. Tracked stories always come along. `matched` = the story's inverted-index entries hit.
WITH lookup AS (
    SELECT unnest(string_split($docs, ','))::INTEGER AS doc,
           unnest(string_split($terms, chr(31))) AS term,
           unnest(string_split($weights, ','))::DOUBLE AS w
),
postings AS (
    SELECT story_id, last_article_at, unnest(terms) AS term
    FROM story_vectors
    WHERE last_article_at >= $since
),
capped AS (
    SELECT p.story_id, p.term
    FROM postings p
    SEMI JOIN (SELECT DISTINCT term FROM lookup) l ON l.term = p.term
    QUALIFY row_number() OVER (PARTITION BY p.term ORDER BY p.last_article_at DESC, p.story_id DESC) <= $per_term
),
ranked AS (
    SELECT l.doc, c.story_id, sum(l.w) AS shared
    FROM lookup l
    JOIN capped c ON c.term = l.term
    GROUP BY l.doc, c.story_id
    QUALIFY row_number() OVER (PARTITION BY l.doc ORDER BY shared DESC, c.story_id DESC) <= $per_doc
),
chosen AS (
    SELECT c.story_id, list(DISTINCT c.term) AS matched
    FROM capped c
    SEMI JOIN ranked r ON r.story_id = c.story_id
    GROUP BY c.story_id
    UNION ALL
    SELECT id, []::VARCHAR[] FROM stories
    WHERE tracked AND merged_into IS NULL AND id NOT IN (SELECT story_id FROM ranked)
)
SELECT v.story_id, v.doc_count, v.last_article_at, v.terms, v.weights, v.titles,
       s.tracked, s.keywords, s.name, c.matched
FROM story_vectors v
JOIN chosen c ON c.story_id = v.story_id
JOIN stories s ON s.id = v.story_id
WHERE s.merged_into IS NULL
  -- repeated here so zone maps skip the list columns of old stories
  AND (v.last_article_at >= $since OR v.last_article_at IS NULL OR s.tracked)
ORDER BY v.last_article_at NULLS FIRST, v.story_id
