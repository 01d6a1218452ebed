-- The channel refused or was unreachable: retry later with exponential backoff per row.
UPDATE alerts
SET status = 'failed', sending_at = NULL, attempts = attempts + 1, last_error = $error,
    next_attempt_at = $now + to_seconds(least($max_s, $min_s * pow(2, attempts)))
WHERE id IN (SELECT unnest($ids::BIGINT[]))  -- a join: list_contains tested every row (8x slower at 4M rows)
