-- Runs whose process died while running: crashed, with the time a later cycle found them.
UPDATE runs SET status = 'crashed', crashed_found_at = $now
WHERE status = 'running' AND list_contains($ids, id)
