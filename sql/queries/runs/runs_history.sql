-- The most recent runs, newest first (the run_history view).
SELECT run_id, status, started_at, finished_at, crashed_found_at, seconds, pid, host
FROM run_history
LIMIT $limit
