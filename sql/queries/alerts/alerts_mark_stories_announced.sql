-- Record that "new story detected" was queued for these untracked stories.
UPDATE stories SET announced_at = $now
WHERE NOT tracked AND announced_at IS NULL AND merged_into IS NULL AND created_at >= $since
