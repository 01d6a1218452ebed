UPDATE article_versions SET linked_at = ? WHERE id = ?
