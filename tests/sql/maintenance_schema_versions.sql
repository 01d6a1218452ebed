-- Migrations recorded as applied, in order.
SELECT version, name, applied_at FROM schema_version ORDER BY version;
