-- bench: document-frequency rows for the history: the corpus frequencies scaled by $scale.
INSERT INTO story_term_df (term, df)
SELECT term::VARCHAR, greatest(1, round(df::DOUBLE * $scale))::BIGINT
FROM read_json($path)
