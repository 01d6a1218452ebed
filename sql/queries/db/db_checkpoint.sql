-- Write the WAL into the database file: schema changes must not wait in the WAL for a crash
-- (replaying some DDL from the WAL fails in DuckDB).
CHECKPOINT
