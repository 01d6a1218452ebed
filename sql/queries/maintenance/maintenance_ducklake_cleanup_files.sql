-- DuckLake: delete data files no snapshot refers to any more.
CALL ducklake_cleanup_old_files(?, cleanup_all => true);
