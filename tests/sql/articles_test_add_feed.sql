-- Test helper: a feed row for entries to hang off; the caller draws its id from feed_ids.
INSERT INTO feeds (id, url, interval_minutes, next_check_at, created_at) VALUES (?, ?, 15, ?, ?)
