-- Feeds to poll now: configured, not parked, next check reached; the longest-waiting first.
SELECT id, url, etag, last_modified, error_count, interval_minutes, ttl_minutes
FROM feeds
WHERE active IS NOT false
  AND NOT parked
  AND next_check_at <= $now
ORDER BY next_check_at, id
LIMIT $limit
