-- Test helper: how many row groups the runs table is stored in, and the largest one's rows.
SELECT count(DISTINCT row_group_id), max(count) FROM pragma_storage_info('runs') WHERE column_name = 'id'
