-- Test helper: every stored article version with its article.
SELECT a.id, a.url, a.outlet, v.id, v.version, v.content_hash, v.title, v.author, v.published_at,
       v.text, v.raw_html
FROM articles a JOIN article_versions v ON v.article_id = a.id
ORDER BY a.id, v.version
