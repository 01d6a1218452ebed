-- Compaction, step 2: empty the document-frequency log (refilled from the folded copy).
DELETE FROM story_term_df
