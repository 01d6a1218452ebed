SELECT source, row_count, max_id, built_at FROM search_index_state;
