-- New feed entries (parallel lists), queued for their pages to be fetched; discovered at $7.
-- An entry already stored under its (feed, GUID) is left alone; the caller drops repeats within
-- the batch. An anti-join rather than ON CONFLICT, so the same statement runs on DuckLake.
INSERT INTO entries (feed_id, guid, url, title, published_at, updated_at, discovered_at, state)
SELECT n.feed_id, n.guid, n.url, n.title, n.published_at, n.updated_at, $7, 'pending'
FROM (SELECT unnest($1::BIGINT[]) AS feed_id, unnest($2::VARCHAR[]) AS guid,
             unnest($3::VARCHAR[]) AS url, unnest($4::VARCHAR[]) AS title,
             unnest($5::TIMESTAMP[]) AS published_at, unnest($6::TIMESTAMP[]) AS updated_at) n
WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.feed_id = n.feed_id AND e.guid = n.guid)
