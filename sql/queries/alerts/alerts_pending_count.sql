-- Rows of one channel still waiting for delivery (pending, failed or parked as unknown).
SELECT count(*) FROM alerts WHERE channel = $channel AND status IN ('pending', 'failed', 'sending', 'unknown')
