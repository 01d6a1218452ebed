-- Entries whose updated date changed (parallel lists): fetch their pages again so a new version
-- can be stored.
UPDATE entries SET
    url = r.url,
    title = r.title,
    updated_at = r.updated_at,
    state = 'pending',
    attempts = 0,
    next_attempt_at = NULL,
    last_error = NULL
FROM (
    SELECT unnest($1::BIGINT[]) AS feed_id, unnest($2::VARCHAR[]) AS guid,
           unnest($3::VARCHAR[]) AS url, unnest($4::VARCHAR[]) AS title,
           unnest($5::TIMESTAMP[]) AS updated_at
) AS r
WHERE entries.feed_id = r.feed_id AND entries.guid = r.guid
