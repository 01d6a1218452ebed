-- Articles matching $query by BM25 over title and text; the best-scoring version of each article.
WITH scored AS (
    SELECT id AS version_id, fts_main_article_versions.match_bm25(id, $query) AS score
    FROM article_versions
)
SELECT 'article'        AS kind,
       v.id             AS id,
       a.id             AS article_id,
       a.story_id,
       s.name           AS story_name,
       a.outlet,
       a.url,
       v.title,
       v.text,
       v.fetched_at     AS seen_at,
       sc.score
FROM scored sc
JOIN article_versions v ON v.id = sc.version_id
JOIN articles a ON a.id = v.article_id
LEFT JOIN stories s ON s.id = a.story_id
WHERE sc.score IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY a.id ORDER BY sc.score DESC, v.version DESC) = 1
ORDER BY sc.score DESC, v.id DESC
LIMIT $limit;
