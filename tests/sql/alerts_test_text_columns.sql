-- Tests: the name of every table, to dump them all while looking for leaked secrets.
SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY table_name
