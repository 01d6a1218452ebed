-- The latest fold of the document-frequency log (monitor.stories.compact_term_df; one row):
-- linking folds again only once the log has grown by [linking] term_df_rows_max rows since.
CREATE TABLE story_term_df_last_fold (
    folded_at     TIMESTAMP NOT NULL,
    rows_before   BIGINT NOT NULL,
    rows_after    BIGINT NOT NULL,
    terms_dropped BIGINT NOT NULL,
    min_docs      INTEGER NOT NULL            -- the floor applied (1: every term kept)
);
