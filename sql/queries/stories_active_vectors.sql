SELECT v.story_id, v.doc_count, v.last_article_at, v.terms, v.weights, v.titles,
       s.tracked, s.keywords, s.name
FROM story_vectors v
JOIN stories s ON s.id = v.story_id
WHERE s.merged_into IS NULL
  AND (s.tracked OR v.last_article_at IS NULL OR v.last_article_at >= ?)
