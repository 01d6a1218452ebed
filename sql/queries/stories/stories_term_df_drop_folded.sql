-- Compaction, step 4: drop the folded copy.
DROP TABLE IF EXISTS story_term_df_folded
