-- $count fresh article ids drawn in one statement (ids left unused only leave gaps).
SELECT nextval('article_ids') FROM range($count)
