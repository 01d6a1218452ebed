SELECT coalesce(sum(docs), 0)::BIGINT FROM story_corpus
