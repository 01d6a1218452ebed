-- Test helper: put a version back before story linking.
UPDATE article_versions SET linked_at = NULL WHERE id = $version_id;
