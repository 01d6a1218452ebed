-- Rows and highest id of each searchable table, to tell whether its index is current.
SELECT 'article_versions' AS source, count(*) AS row_count, coalesce(max(id), 0) AS max_id
FROM article_versions
UNION ALL
SELECT 'claims', count(*), coalesce(max(id), 0)
FROM claims;
