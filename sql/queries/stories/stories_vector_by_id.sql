SELECT doc_count, terms, weights, last_article_at, titles FROM story_vectors WHERE story_id = ?
