SELECT doc_count, terms, weights FROM story_vectors WHERE story_id = ?
