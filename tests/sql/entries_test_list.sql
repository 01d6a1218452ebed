-- Tests: every entry with its queue state, in discovery order.
SELECT feed_id, guid, url, state, updated_at FROM entries ORDER BY id
