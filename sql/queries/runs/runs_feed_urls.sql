-- The URL and name of each feed in $ids (for one-line reports of failing feeds).
SELECT id, url, coalesce(name, title, url) AS label
FROM feeds
WHERE list_contains($ids, id)
ORDER BY id
