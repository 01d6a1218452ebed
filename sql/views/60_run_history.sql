-- Every cycle, newest first. status: running (in progress, or killed and not yet found) |
-- completed | failed (a stage raised; summary says how far it got) | crashed (the process died
-- mid-run; crashed_found_at is when the next cycle found the row still running).
CREATE OR REPLACE VIEW run_history AS
SELECT id                                                         AS run_id,
       status,
       started_at,
       finished_at,
       crashed_found_at,
       round(epoch(finished_at) - epoch(started_at), 1)           AS seconds,
       pid,
       host,
       summary
FROM runs
ORDER BY id DESC;
