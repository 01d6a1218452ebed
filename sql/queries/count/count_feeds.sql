SELECT count(*) FROM feeds;
