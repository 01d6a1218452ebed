-- Compaction, step 3: one row per term, in term order.
INSERT INTO story_term_df (term, df)
SELECT term, df FROM story_term_df_folded ORDER BY term
