-- Test helper: COUNT finished runs in one statement.
INSERT INTO runs (started_at, status) SELECT $now, 'completed' FROM range($count)
