-- Rows left in "sending" for longer than a live send could take.
SELECT count(*) FROM alerts WHERE status = 'sending' AND sending_at < $stale_before
