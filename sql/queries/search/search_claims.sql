-- Claims matching $query by BM25, with the article that first carried each.
WITH scored AS (
    SELECT id AS claim_id, fts_main_claims.match_bm25(id, $query) AS score
    FROM claims
)
SELECT 'claim'            AS kind,
       c.id               AS id,
       c.first_article_id AS article_id,
       c.story_id,
       s.name             AS story_name,
       c.first_outlet     AS outlet,
       a.url,
       v.title,
       c.text,
       c.first_seen_at    AS seen_at,
       sc.score
FROM scored sc
JOIN claims c ON c.id = sc.claim_id
LEFT JOIN stories s ON s.id = c.story_id
LEFT JOIN articles a ON a.id = c.first_article_id
LEFT JOIN article_versions v ON v.id = c.first_version_id
WHERE sc.score IS NOT NULL
ORDER BY sc.score DESC, c.id DESC
LIMIT $limit;
