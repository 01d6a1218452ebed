-- Size of the document-frequency log: rows (one per term per linking batch) and distinct terms.
SELECT count(*)::BIGINT, count(DISTINCT term)::BIGINT FROM story_term_df
