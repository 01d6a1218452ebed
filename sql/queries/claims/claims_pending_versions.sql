-- Article versions linked to a story whose claims are not judged yet, oldest first; $skip_ids
-- are versions that already failed in this run (retried on the next run).
SELECT v.id, v.article_id, v.version, v.title, v.text, v.published_at, v.fetched_at,
       a.story_id, a.outlet
FROM article_versions v
JOIN articles a ON a.id = v.article_id
WHERE v.linked_at IS NOT NULL
  AND v.claims_at IS NULL
  AND a.story_id IS NOT NULL
  AND NOT list_contains($skip_ids, v.id)
ORDER BY v.published_at NULLS LAST, v.fetched_at, v.id
LIMIT $limit;
