-- Which version of sql/views the database's views were built from, so changed view files are
-- re-created on the next write-mode open even when no migration is pending.
CREATE TABLE view_state (
    views_hash VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
