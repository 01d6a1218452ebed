-- Test helper: the batch's rows back, typed, in order.
SELECT id::BIGINT, name::VARCHAR, score::DOUBLE, seen_at::TIMESTAMP FROM batch_rows ORDER BY id
