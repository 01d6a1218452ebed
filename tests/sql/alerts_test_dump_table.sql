-- Tests: every row of one table (named by parameter).
SELECT * FROM query_table($table)
