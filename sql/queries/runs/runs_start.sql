INSERT INTO runs (id, started_at, status) VALUES (?, ?, 'running');
