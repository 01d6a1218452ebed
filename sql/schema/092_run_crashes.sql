-- Which process ran each cycle, and when a later cycle found it killed mid-run.
-- status is now: running | completed | failed | crashed (the process died while running: the
-- next cycle found the row still `running` and marked it, at crashed_found_at).
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN crashed_found_at TIMESTAMP;
