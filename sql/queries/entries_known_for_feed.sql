-- Which of a feed's GUIDs are already queued, with the updated date they were queued with.
SELECT guid, updated_at FROM entries
WHERE feed_id = $feed_id AND list_contains($guids, guid)
