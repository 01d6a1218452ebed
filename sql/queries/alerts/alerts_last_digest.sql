-- When the last digest went to one channel.
SELECT max(sent_at) FROM alert_digests WHERE channel = $channel
