-- Feeds removed from the config stop being polled but keep their history (see monitor.feeds.sync_feeds).
ALTER TABLE feeds ADD COLUMN active BOOLEAN DEFAULT true;
