SELECT term, df FROM story_term_df WHERE term IN (SELECT unnest(?::VARCHAR[]))
