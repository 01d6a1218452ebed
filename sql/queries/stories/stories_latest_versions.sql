SELECT v.article_id, v.title, v.text, coalesce(v.published_at, v.fetched_at)
FROM article_versions v
WHERE v.article_id IN (SELECT unnest(?::BIGINT[]))
QUALIFY row_number() OVER (PARTITION BY v.article_id ORDER BY v.version DESC) = 1
ORDER BY coalesce(v.published_at, v.fetched_at), v.id
