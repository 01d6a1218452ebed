-- One story per chr(30)-separated record; a story's terms and titles are chr(31)-separated.
INSERT INTO story_vectors (story_id, doc_count, last_article_at, terms, weights, titles, updated_at)
SELECT id::BIGINT, n::INTEGER, nullif(ts, '')::TIMESTAMP,
       list_filter(string_split(terms, chr(31)), t -> t <> ''),
       list_transform(list_filter(string_split(weights, ','), w -> w <> ''), w -> w::FLOAT),
       CASE WHEN titles = '' THEN []::VARCHAR[] ELSE string_split(titles, chr(31)) END, $now
FROM (SELECT unnest(string_split($ids, ',')) AS id, unnest(string_split($counts, ',')) AS n,
             unnest(string_split($times, ',')) AS ts, unnest(string_split($terms, chr(30))) AS terms,
             unnest(string_split($weights, chr(30))) AS weights,
             unnest(string_split($titles, chr(30))) AS titles)
