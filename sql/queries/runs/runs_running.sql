-- Runs still marked running (the cycle lock is held: none of them belongs to a live cycle
-- elsewhere on this machine).
SELECT id, pid, host, started_at FROM runs WHERE status = 'running' ORDER BY id
