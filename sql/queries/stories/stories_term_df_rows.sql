-- Rows in the document-frequency log (cheap: row-group counts) and rows right after the last fold.
SELECT (SELECT count(*) FROM story_term_df)::BIGINT,
       coalesce((SELECT max(rows_after) FROM story_term_df_last_fold), 0)::BIGINT
