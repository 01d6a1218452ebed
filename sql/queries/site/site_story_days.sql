-- Per story of $story_ids and UTC day since $since: article versions the monitor stored, and the
-- new and changed claims they added (the index's activity charts).
SELECT a.story_id,
       CAST(v.fetched_at AS DATE)                                    AS day,
       count(DISTINCT v.id)                                          AS versions,
       count(m.id) FILTER (WHERE m.status IN ('new', 'changed'))     AS claims_added
FROM article_versions v
JOIN articles a ON a.id = v.article_id
LEFT JOIN claim_mentions m ON m.version_id = v.id
WHERE a.story_id IN (SELECT unnest($story_ids::BIGINT[]))
  AND v.fetched_at >= $since
GROUP BY a.story_id, day
ORDER BY a.story_id, day
