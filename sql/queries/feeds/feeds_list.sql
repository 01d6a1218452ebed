-- Every feed with its polling health, for `monitor feeds`.
SELECT id, url, name, title, site_url, active IS NOT false AS active, parked, error_count,
       last_error, last_status, last_checked_at, last_success_at, next_check_at, interval_minutes,
       ttl_minutes, entries_total, bad_entries
FROM feeds
ORDER BY id
