-- Which (feed, GUID) pairs ($1 feed ids, $2 GUIDs as parallel lists) are already queued, with the
-- updated date they were queued with.
SELECT e.feed_id, e.guid, e.updated_at
FROM entries AS e
JOIN (SELECT unnest($1::BIGINT[]) AS feed_id, unnest($2::VARCHAR[]) AS guid) AS k
  ON e.feed_id = k.feed_id AND e.guid = k.guid
