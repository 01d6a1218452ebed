-- Test helper: every run's id, status, pid and when a later cycle found it crashed.
SELECT id, status, pid, crashed_found_at FROM runs ORDER BY id
