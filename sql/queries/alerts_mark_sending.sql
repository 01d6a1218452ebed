-- Claim rows for one send: committed before the channel is called (the at-least-once window opens).
UPDATE alerts SET status = 'sending', sending_at = $now
WHERE list_contains($ids::BIGINT[], id)
