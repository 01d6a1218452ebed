-- NumPy object columns (strings, numbers with gaps) are read as VARCHAR instead of being sampled
-- for a type: sampling an all-NULL column of over 1,000 rows fails without pandas, and it costs
-- an attempted pandas import per sampled value. Statements cast each column to its type.
SET pandas_analyze_sample = 0
