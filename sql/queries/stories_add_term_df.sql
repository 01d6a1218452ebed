INSERT INTO story_term_df (term, df)
SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[])
ON CONFLICT (term) DO UPDATE SET df = story_term_df.df + excluded.df
