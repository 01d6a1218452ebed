-- Feeds no longer in the config stop being polled; their rows and entries stay.
UPDATE feeds SET active = false
WHERE active AND NOT list_contains($urls, url)
