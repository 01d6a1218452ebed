-- Rows left in "sending" by a crashed run: resend (status failed, due now) or park as unknown.
UPDATE alerts
SET status = $status, last_error = $error, next_attempt_at = $now, sending_at = NULL
WHERE status = 'sending' AND sending_at < $stale_before
