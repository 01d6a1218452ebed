-- Blocking: stories active since $since that hold one of the batch's query terms, keeping for
-- each term only its $per_term most recently active stories; tracked stories always come along.
-- `matched` lists the query terms through which a story was found (its inverted-index entries).
WITH lookup AS (
    SELECT DISTINCT unnest(string_split($terms, chr(31))) AS term
),
postings AS (
    SELECT story_id, last_article_at, unnest(terms) AS term
    FROM story_vectors
    WHERE last_article_at >= $since
),
hits AS (
    SELECT p.story_id, p.term
    FROM postings p
    JOIN lookup l ON l.term = p.term
    QUALIFY row_number() OVER (PARTITION BY p.term ORDER BY p.last_article_at DESC, p.story_id DESC) <= $per_term
),
chosen AS (
    SELECT story_id, list(term) AS matched FROM hits GROUP BY story_id
    UNION ALL
    SELECT id, []::VARCHAR[] FROM stories
    WHERE tracked AND merged_into IS NULL AND id NOT IN (SELECT story_id FROM hits)
)
SELECT v.story_id, v.doc_count, v.last_article_at, v.terms, v.weights, v.titles,
       s.tracked, s.keywords, s.name, c.matched
FROM story_vectors v
JOIN chosen c ON c.story_id = v.story_id
JOIN stories s ON s.id = v.story_id
WHERE s.merged_into IS NULL
ORDER BY v.last_article_at NULLS FIRST, v.story_id
