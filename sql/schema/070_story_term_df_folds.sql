-- The latest fold of the document-frequency log (monitor.stories.compact_term_df; one row):
-- linking folds again only once the log has grown by [linking] term_df_rows_max rows since.
CREATE TABLE story_term_df_last_fold (
    folded_at     TIMESTAMP NOT NULL,
    rows_before   BIGINT NOT NULL,
    rows_after    BIGINT NOT NULL,
    terms_dropped BIGINT NOT NULL,
    min_docs      INTEGER NOT NULL            -- the floor applied (1: every term kept)
);

-- Baseline for databases that predate this table: the log as it stands counts as folded, so the
-- first fold comes from maintenance or after term_df_rows_max more rows, not in the next cycle.
INSERT INTO story_term_df_last_fold (folded_at, rows_before, rows_after, terms_dropped, min_docs)
SELECT (now() AT TIME ZONE 'UTC')::TIMESTAMP, count(*), count(*), 0, 1 FROM story_term_df;
