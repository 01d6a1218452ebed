-- Story facts for alert headers: name, tracked, article/outlet counts and the founding article.
-- Articles are narrowed to the wanted stories first, so the cost follows them, not the history.
WITH wanted AS (
    SELECT id, name, tracked FROM stories WHERE id IN (SELECT unnest($ids::BIGINT[]))
),
members AS (
    SELECT a.id, a.story_id, a.url, a.outlet, a.first_seen_at
    FROM articles a
    WHERE a.story_id IN (SELECT id FROM wanted)
),
counts AS (
    SELECT story_id, count(*) AS articles, count(DISTINCT outlet) AS outlets
    FROM members GROUP BY story_id
),
founding AS (
    SELECT story_id, arg_min(id, (first_seen_at, id)) AS article_id
    FROM members GROUP BY story_id
),
founding_titles AS (
    SELECT article_id, title FROM article_versions
    WHERE version = 1 AND article_id IN (SELECT article_id FROM founding)
)
SELECT s.id, s.name, s.tracked, coalesce(k.articles, 0), coalesce(k.outlets, 0),
       m.url, m.outlet, v.title
FROM wanted s
LEFT JOIN counts k ON k.story_id = s.id
LEFT JOIN founding f ON f.story_id = s.id
LEFT JOIN members m ON m.id = f.article_id
LEFT JOIN founding_titles v ON v.article_id = f.article_id
ORDER BY s.id
