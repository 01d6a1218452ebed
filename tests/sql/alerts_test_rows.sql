-- Tests: every outbox row with its state, oldest first.
SELECT id, kind, story_id, claim_id, channel, status, attempts, last_error, next_attempt_at, sent_at
FROM alerts ORDER BY id
