-- How long each full-text index took to build, so large indexes are rebuilt less often.
ALTER TABLE search_index_state ADD COLUMN build_seconds DOUBLE;
