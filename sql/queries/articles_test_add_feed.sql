-- Test helper: a feed row for entries to hang off.
INSERT INTO feeds (url, interval_minutes, next_check_at, created_at) VALUES (?, 15, ?, ?) RETURNING id
