-- bench: the sentence pool and story vector of each corpus story, read from a JSON-lines file
-- written by bench/history.py.
CREATE OR REPLACE TEMP TABLE bench_corpus AS
SELECT topic_no::INTEGER AS topic_no, story::VARCHAR AS story, title::VARCHAR AS title,
       sentences::VARCHAR[] AS sentences, normalized::VARCHAR[] AS normalized,
       terms::VARCHAR[] AS terms, weights::FLOAT[] AS weights, titles::VARCHAR[] AS titles
FROM read_json($path)
