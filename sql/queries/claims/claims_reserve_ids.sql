-- $count fresh claim ids drawn in one statement (ids left unused only leave gaps).
SELECT nextval('claim_ids') FROM range($count)
