-- What the full-text indexes (schemas fts_main_article_versions and fts_main_claims, built by
-- DuckDB's fts extension) cover. DuckDB's FTS indexes do not follow later inserts, so
-- monitor.search.refresh_search_index rebuilds one whenever its source table moved past this.
CREATE TABLE search_index_state (
    source    VARCHAR PRIMARY KEY,   -- article_versions | claims
    row_count BIGINT NOT NULL,
    max_id    BIGINT NOT NULL,
    built_at  TIMESTAMP NOT NULL
);
