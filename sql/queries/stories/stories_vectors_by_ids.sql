SELECT story_id, doc_count, last_article_at, terms, weights, titles
FROM story_vectors WHERE story_id IN (SELECT unnest(?::BIGINT[]))
