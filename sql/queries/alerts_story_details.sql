-- Story facts for alert headers: name, tracked, article/outlet counts and the founding article.
SELECT s.id, s.name, s.tracked,
       (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS articles,
       (SELECT count(DISTINCT a.outlet) FROM articles a WHERE a.story_id = s.id) AS outlets,
       f.url, f.outlet, f.title
FROM stories s
LEFT JOIN LATERAL (
    SELECT a.url, a.outlet, v.title
    FROM articles a
    LEFT JOIN article_versions v ON v.article_id = a.id AND v.version = 1
    WHERE a.story_id = s.id
    ORDER BY a.first_seen_at, a.id
    LIMIT 1
) f ON true
WHERE list_contains($ids::BIGINT[], s.id)
ORDER BY s.id
