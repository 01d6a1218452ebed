-- $count fresh claim ids, for the copies a split makes in one statement.
SELECT nextval('claim_ids') FROM range($count)
