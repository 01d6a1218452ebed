-- $1: terms joined by chr(31) (a packed list binds far faster than a Python list)
SELECT d.term, sum(d.df)::BIGINT
FROM story_term_df d
SEMI JOIN (SELECT unnest(string_split(?, chr(31))) AS term) q ON q.term = d.term
GROUP BY d.term
