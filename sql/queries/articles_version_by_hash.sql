SELECT id, version FROM article_versions WHERE article_id = ? AND content_hash = ?
