-- Rows in the document-frequency log (cheap: row-group counts), to decide when to fold it.
SELECT count(*)::BIGINT FROM story_term_df
