-- schema_version without its PRIMARY KEY, which DuckLake does not support.
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER NOT NULL,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
