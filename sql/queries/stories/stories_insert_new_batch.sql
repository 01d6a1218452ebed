INSERT INTO stories (id, name, tracked, created_at, last_article_at)
SELECT id::BIGINT, name, false, $now, nullif(ts, '')::TIMESTAMP
FROM (SELECT unnest(string_split($ids, ',')) AS id, unnest(string_split($names, chr(31))) AS name,
             unnest(string_split($times, ',')) AS ts)
