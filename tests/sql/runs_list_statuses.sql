-- Every cycle's status in run order (tests and health checks).
SELECT status FROM runs ORDER BY id
