-- Views of the connection's default catalog.
SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal;
