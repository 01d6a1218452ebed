-- Record the latest fold of the document-frequency log (after stories_term_df_clear_fold).
INSERT INTO story_term_df_last_fold (folded_at, rows_before, rows_after, terms_dropped, min_docs)
VALUES ($now, $rows_before, $rows_after, $terms_dropped, $min_docs)
