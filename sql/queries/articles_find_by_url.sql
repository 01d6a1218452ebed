SELECT id FROM articles WHERE url = ?
