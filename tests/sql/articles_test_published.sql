-- Test helper: each stored version's URL, outlet, publication time and where that time came from.
SELECT a.url, a.outlet, v.published_at, v.published_source
FROM articles a JOIN article_versions v ON v.article_id = a.id
ORDER BY a.url, v.version
