-- The new stories of splits, one per row of `batch_rows` (monitor.db.query_rows): id (from
-- story_ids) and name; their last article time is set once their articles have moved.
INSERT INTO stories (id, name, tracked, created_at, last_article_at)
SELECT id::BIGINT, name::VARCHAR, false, $now, NULL FROM batch_rows
