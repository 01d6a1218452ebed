-- bench: the alerts the history already sent on channel $channel, one per claim.
INSERT INTO alerts (kind, claim_id, story_id, channel, status, attempts, created_at, sent_at)
SELECT 'new_claim', id, story_id, $channel, 'sent', 1, first_seen_at, first_seen_at
FROM claims
