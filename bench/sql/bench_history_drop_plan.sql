-- bench: free the history plan once it is loaded.
DROP TABLE IF EXISTS bench_plan
