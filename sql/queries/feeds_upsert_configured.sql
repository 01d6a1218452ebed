-- The configured feeds ($1 urls, $2 names, $3 intervals as parallel lists): new ones are due
-- now ($4); known ones take the config's name and interval and are polled again if removed before.
INSERT INTO feeds (url, name, interval_minutes, next_check_at, created_at, active)
SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::INTEGER[]), $4, $4, true
ON CONFLICT (url) DO UPDATE SET
    name = excluded.name,
    interval_minutes = excluded.interval_minutes,
    active = true
