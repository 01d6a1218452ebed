-- Forget the previous fold record (one row is kept: the latest).
DELETE FROM story_term_df_last_fold
