-- Per feed: is it healthy, when did it last succeed, what went wrong, is it parked.
-- health: ok | failing (errors since the last success) | parked (past the error limit, not
-- polled until `monitor feeds reset`) | never polled | removed (no longer in the config).
CREATE OR REPLACE VIEW feed_health AS
WITH entry_stats AS (
    SELECT feed_id,
           count(*)                                  AS entries,
           count(*) FILTER (WHERE state = 'stored')  AS stored,
           count(*) FILTER (WHERE state = 'pending') AS pending,
           count(*) FILTER (WHERE state = 'failed')  AS failed,
           count(*) FILTER (WHERE state = 'skipped') AS skipped,
           max(discovered_at)                        AS last_entry_at
    FROM entries
    GROUP BY feed_id
)
SELECT f.id                                   AS feed_id,
       coalesce(f.name, f.title, f.url)       AS feed,
       CASE
           WHEN NOT coalesce(f.active, true) THEN 'removed'
           WHEN f.parked THEN 'parked'
           WHEN f.last_checked_at IS NULL THEN 'never polled'
           WHEN f.error_count > 0 THEN 'failing'
           ELSE 'ok'
       END                                    AS health,
       coalesce(f.active, true)               AS active,
       f.parked,
       f.error_count,
       f.last_error,
       f.last_status,
       f.last_success_at,
       f.last_checked_at,
       f.next_check_at,
       f.interval_minutes,
       coalesce(e.entries, 0)                 AS entries,
       coalesce(e.stored, 0)                  AS stored,
       coalesce(e.pending, 0)                 AS pending,
       coalesce(e.failed, 0)                  AS failed,
       coalesce(e.skipped, 0)                 AS skipped,
       f.bad_entries,
       e.last_entry_at,
       f.url,
       f.site_url
FROM feeds f
LEFT JOIN entry_stats e ON e.feed_id = f.id
ORDER BY coalesce(f.active, true) DESC, f.parked DESC, f.error_count DESC, f.id;
