-- Recompute table statistics for the query planner.
VACUUM ANALYZE;
