-- The analyst views to export: every user view of the main schema.
SELECT view_name
FROM duckdb_views()
WHERE NOT internal AND schema_name = 'main' AND database_name = current_database()
ORDER BY view_name;
