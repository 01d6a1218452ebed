INSERT INTO runs (started_at, status) VALUES (?, 'running') RETURNING id;
