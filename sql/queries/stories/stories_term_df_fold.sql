-- Compaction, step 1: each term's total document frequency, terms below $min_docs left out.
CREATE OR REPLACE TEMP TABLE story_term_df_folded AS
SELECT term, sum(df)::BIGINT AS df
FROM story_term_df
GROUP BY term
HAVING sum(df) >= $min_docs
