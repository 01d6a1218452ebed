-- A configured feed: new ones are due now; known ones take the config's name and interval.
INSERT INTO feeds (url, name, interval_minutes, next_check_at, created_at, active)
VALUES ($url, $name, $interval_minutes, $now, $now, true)
ON CONFLICT (url) DO UPDATE SET
    name = excluded.name,
    interval_minutes = excluded.interval_minutes,
    active = true
