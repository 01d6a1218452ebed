-- Test helper: a pending entry as the feeds stage would queue it.
INSERT INTO entries (feed_id, guid, url, title, published_at, discovered_at)
VALUES (?, ?, ?, ?, ?, ?)
RETURNING id
