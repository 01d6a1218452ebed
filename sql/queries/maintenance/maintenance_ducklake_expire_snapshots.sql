-- DuckLake: forget snapshots older than the cut-off (time travel before it is no longer possible).
CALL ducklake_expire_snapshots(?, older_than => ?);
