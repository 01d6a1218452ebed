-- Test helper: where this connection spills to disk.
SELECT current_setting('temp_directory')
