INSERT INTO story_vectors (story_id, doc_count, last_article_at, terms, weights, titles, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
