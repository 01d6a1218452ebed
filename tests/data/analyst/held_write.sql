-- Written by the lock-holding process in test_query.py; committed, so it sits in the WAL.
INSERT INTO runs (id, started_at, status) VALUES (900, '2026-11-21 22:00:00', 'running');
