-- Claims detected and untracked stories created since a run started, for the run summary.
-- Detection time is the first version's claims_at (claims.first_seen_at is the publication time).
-- The recent versions are picked first, so the cost follows the run, not the stored history.
WITH recent_versions AS (
    SELECT id FROM article_versions WHERE coalesce(claims_at, fetched_at) >= $since
)
SELECT 'claim' AS what, c.id, c.story_id
FROM claims c
JOIN recent_versions v ON v.id = c.first_version_id
WHERE c.kind IN ('new', 'changed')
UNION ALL
SELECT 'story', id, id FROM stories WHERE created_at >= $since AND NOT tracked AND merged_into IS NULL
ORDER BY story_id, what, id
