-- bench: ids of every feed, to spread history entries over.
SELECT id FROM feeds ORDER BY id
