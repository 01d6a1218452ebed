-- DuckLake: merge the many small Parquet files each cycle writes into larger ones.
CALL ducklake_merge_adjacent_files(?);
