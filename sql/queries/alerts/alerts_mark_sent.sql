-- The channel accepted the message that carried these rows.
UPDATE alerts SET status = 'sent', sent_at = $now, sending_at = NULL, attempts = attempts + 1,
       last_error = NULL, next_attempt_at = NULL
WHERE id IN (SELECT unnest($ids::BIGINT[]))  -- a join: list_contains tested every row (8x slower at 4M rows)
