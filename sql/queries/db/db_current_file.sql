-- The file (or catalog) behind this connection's default database.
SELECT coalesce(path, database_name) FROM duckdb_databases() WHERE database_name = current_database();
