INSERT INTO runs (id, started_at, status, pid, host) VALUES (?, ?, 'running', ?, ?);
