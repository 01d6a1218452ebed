-- Outbox rows of one channel that are due for delivery now.
SELECT id, kind, story_id, claim_id
FROM alerts
WHERE channel = $channel
  AND (next_attempt_at IS NULL OR next_attempt_at <= $now)
  AND (status = 'pending' OR (status = 'failed' AND attempts < $max_attempts))
ORDER BY story_id, id
