-- The next id of a sequence named by the caller; inserts bind it because DuckLake has no RETURNING.
SELECT nextval($sequence)
