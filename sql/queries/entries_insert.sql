-- A new feed entry, queued for its page to be fetched.
INSERT INTO entries (feed_id, guid, url, title, published_at, updated_at, discovered_at, state)
VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
ON CONFLICT (feed_id, guid) DO NOTHING
