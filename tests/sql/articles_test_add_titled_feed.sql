-- Test helper: a feed row with its own <title>; the caller draws its id from feed_ids.
INSERT INTO feeds (id, url, title, interval_minutes, next_check_at, created_at) VALUES (?, ?, ?, 15, ?, ?)
