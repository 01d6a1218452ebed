-- Claims detected and untracked stories created since a run started, for the run summary.
-- Detection time is the first version's claims_at (claims.first_seen_at is the publication time).
SELECT 'claim' AS what, c.id, c.story_id
FROM claims c
LEFT JOIN article_versions v ON v.id = c.first_version_id
WHERE coalesce(v.claims_at, v.fetched_at, c.first_seen_at) >= $since AND c.kind IN ('new', 'changed')
UNION ALL
SELECT 'story', id, id FROM stories WHERE created_at >= $since AND NOT tracked AND merged_into IS NULL
ORDER BY story_id, what, id
