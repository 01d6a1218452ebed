INSERT INTO story_term_df (term, df)
SELECT unnest(string_split(?, chr(31))), unnest(string_split(?, ','))::BIGINT
