-- Failed (also parked) entries among $ids; $ids NULL means every failed entry.
SELECT id FROM entries WHERE state = 'failed' AND ($ids IS NULL OR list_contains($ids, id)) ORDER BY id
