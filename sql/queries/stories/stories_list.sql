SELECT s.id, s.name, s.tracked, count(a.id) AS articles, s.created_at, s.last_article_at,
       s.merged_into
FROM stories s
LEFT JOIN articles a ON a.story_id = s.id
GROUP BY s.id, s.name, s.tracked, s.created_at, s.last_article_at, s.merged_into
ORDER BY s.merged_into IS NOT NULL, s.last_article_at DESC NULLS LAST, s.id
