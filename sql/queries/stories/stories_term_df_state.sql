-- What the document-frequency tables hold, in brief: the database (file or catalog, and when its
-- schema was created), the log's rows and DF total, and the corpus size. Linking only appends and
-- a fold rewrites, so an unchanged state means unchanged frequencies (monitor.stories keeps the
-- DF it read while the state is the one it last saw).
SELECT (SELECT coalesce(path, database_name) FROM duckdb_databases() WHERE database_name = current_database()),
       (SELECT min(applied_at) FROM schema_version),
       (SELECT count(*) FROM story_term_df)::BIGINT,
       (SELECT coalesce(sum(df), 0) FROM story_term_df)::BIGINT,
       (SELECT coalesce(sum(docs), 0) FROM story_corpus)::BIGINT
