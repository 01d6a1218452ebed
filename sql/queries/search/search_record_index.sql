-- Remember what each full-text index was built from
-- ($1 source, $2 rows, $3 largest id, $4 when, $5 seconds the build took).
MERGE INTO search_index_state AS state
USING (SELECT $1 AS source, $2 AS row_count, $3 AS max_id, $4 AS built_at, $5 AS build_seconds) AS built
ON state.source = built.source
WHEN MATCHED THEN UPDATE SET row_count = built.row_count, max_id = built.max_id,
                             built_at = built.built_at, build_seconds = built.build_seconds
WHEN NOT MATCHED THEN INSERT (source, row_count, max_id, built_at, build_seconds)
    VALUES (built.source, built.row_count, built.max_id, built.built_at, built.build_seconds);
