-- New feed entries (parallel lists), queued for their pages to be fetched; discovered at $7.
INSERT INTO entries (feed_id, guid, url, title, published_at, updated_at, discovered_at, state)
SELECT unnest($1::BIGINT[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), unnest($4::VARCHAR[]),
       unnest($5::TIMESTAMP[]), unnest($6::TIMESTAMP[]), $7, 'pending'
ON CONFLICT (feed_id, guid) DO NOTHING
