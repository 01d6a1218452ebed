SELECT v.id, v.article_id, v.title, v.text, v.published_at, v.fetched_at, a.story_id
FROM article_versions v
JOIN articles a ON a.id = v.article_id
WHERE v.linked_at IS NULL
ORDER BY coalesce(v.published_at, v.fetched_at), v.fetched_at, v.id
