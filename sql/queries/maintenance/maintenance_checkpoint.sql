-- Write the WAL into the database file and reclaim space freed by deletes and updates.
CHECKPOINT;
