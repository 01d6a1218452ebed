-- `monitor alerts retry`: failed and parked rows become pending and due now (attempts are kept).
UPDATE alerts SET status = 'pending', next_attempt_at = NULL
WHERE status IN ('failed', 'unknown') AND ($channel IS NULL OR channel = $channel)
