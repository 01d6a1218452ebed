-- Every feed for the site's feed-health page, worst first (the feed_health view's order).
SELECT feed_id, feed, url, site_url, health, error_count, last_error, last_status,
       last_checked_at, next_check_at, last_success_at, interval_minutes,
       entries, stored, pending, failed, last_entry_at
FROM feed_health
