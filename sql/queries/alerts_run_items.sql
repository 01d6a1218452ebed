-- Claims first seen and untracked stories created since a run started, for the run summary.
SELECT 'claim' AS what, id, story_id FROM claims WHERE first_seen_at >= $since AND kind IN ('new', 'changed')
UNION ALL
SELECT 'story', id, id FROM stories WHERE created_at >= $since AND NOT tracked AND merged_into IS NULL
ORDER BY story_id, what, id
