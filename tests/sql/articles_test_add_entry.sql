-- Test helper: a pending entry as the feeds stage would queue it; its id comes from entry_ids.
INSERT INTO entries (id, feed_id, guid, url, title, published_at, discovered_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
