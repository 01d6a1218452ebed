-- $count fresh article-version ids drawn in one statement.
SELECT nextval('version_ids') FROM range($count)
