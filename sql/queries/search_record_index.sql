INSERT OR REPLACE INTO search_index_state (source, row_count, max_id, built_at) VALUES (?, ?, ?, ?);
