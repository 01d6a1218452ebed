-- Every feed's health for the weekly report, worst first (order of the feed_health view).
SELECT feed_id, feed, health, error_count, last_error, last_status, last_success_at,
       last_checked_at, entries, stored, failed, last_entry_at, url
FROM feed_health;
