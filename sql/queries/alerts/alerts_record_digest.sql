-- Remember a digest that the channel accepted in full.
INSERT INTO alert_digests (channel, sent_at, stories, alerts, messages) VALUES ($channel, $now, $stories, $alerts, $messages)
