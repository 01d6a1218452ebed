SELECT source, row_count, max_id, built_at, coalesce(build_seconds, 0) FROM search_index_state;
