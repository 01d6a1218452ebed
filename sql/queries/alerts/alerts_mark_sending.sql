-- Claim rows for one send: committed before the channel is called (the at-least-once window opens).
UPDATE alerts SET status = 'sending', sending_at = $now
WHERE id IN (SELECT unnest($ids::BIGINT[]))  -- a join: list_contains tested every row (8x slower at 4M rows)
