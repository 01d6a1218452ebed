-- The configured feeds ($1 urls, $2 names, $3 intervals as parallel lists): new ones are due
-- now ($4); known ones take the config's name and interval and are polled again if removed before.
-- MERGE rather than ON CONFLICT, so the same statement runs on DuckLake (no UNIQUE there).
MERGE INTO feeds
USING (SELECT unnest($1::VARCHAR[]) AS url, unnest($2::VARCHAR[]) AS name,
              unnest($3::INTEGER[]) AS interval_minutes) AS configured
ON feeds.url = configured.url
WHEN MATCHED THEN UPDATE SET
    name = configured.name,
    interval_minutes = configured.interval_minutes,
    active = true
WHEN NOT MATCHED THEN INSERT (url, name, interval_minutes, next_check_at, created_at, active)
    VALUES (configured.url, configured.name, configured.interval_minutes, $4, $4, true)
