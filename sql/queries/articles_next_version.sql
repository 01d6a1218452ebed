SELECT coalesce(max(version), 0) + 1 FROM article_versions WHERE article_id = ?
