-- Test helper: take a new database back to its shape before migration 085, to run that migration.
DROP VIEW IF EXISTS story_timeline;
ALTER TABLE article_versions DROP COLUMN published_source;
DELETE FROM schema_version WHERE version = 85;
