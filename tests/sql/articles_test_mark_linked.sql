-- Test helper: mark every stored version as done with story linking.
UPDATE article_versions SET linked_at = $now;
