-- The ids of the articles already stored under any of $urls (one statement per batch).
SELECT url, id FROM articles WHERE url IN (SELECT unnest($urls::VARCHAR[]))
