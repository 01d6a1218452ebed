-- Tables of the connection's default catalog.
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database();
