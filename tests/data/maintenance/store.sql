-- Rows for the maintenance and DuckLake tests: four feeds in each health state, and article
-- versions whose raw HTML is 90 days, 40 days and 1 day old (now = 2026-11-21 12:00).
-- Ids come from the schema's id defaults, so the DuckLake sequences are exercised too.
INSERT INTO feeds (url, name, interval_minutes, next_check_at, last_checked_at, last_success_at, last_status, error_count, last_error, parked, created_at) VALUES
  ('http://127.0.0.1:8765/ok/feed.xml', 'Steady wire', 15, '2026-11-21 12:15:00', '2026-11-21 12:00:00', '2026-11-21 12:00:00', 200, 0, NULL, false, '2026-08-01 00:00:00'),
  ('http://127.0.0.1:8765/broken/feed.xml', 'Broken wire', 15, '2026-11-21 13:00:00', '2026-11-21 12:00:00', '2026-11-10 08:00:00', 500, 3, 'HTTP 500 from http://127.0.0.1:8765/broken/feed.xml', false, '2026-08-01 00:00:00'),
  ('http://127.0.0.1:8765/gone/feed.xml', 'Gone | feed', 15, '2026-11-22 12:00:00', '2026-11-21 12:00:00', NULL, 404, 10, 'HTTP 404 from http://127.0.0.1:8765/gone/feed.xml', true, '2026-08-01 00:00:00'),
  ('http://127.0.0.1:8765/quiet/feed.xml', 'Quiet desk', 60, '2026-11-21 13:00:00', '2026-11-21 12:00:00', '2026-11-21 12:00:00', 304, 0, NULL, false, '2026-08-01 00:00:00');
INSERT INTO entries (feed_id, guid, url, title, discovered_at, state, attempts, article_id, processed_at) VALUES
  (1, 'ok-1', 'http://127.0.0.1:8765/ok/a.html', 'Old story', '2026-08-23 12:00:00', 'stored', 1, 1, '2026-08-23 12:00:05'),
  (1, 'ok-2', 'http://127.0.0.1:8765/ok/b.html', 'Newer story', '2026-11-20 12:00:00', 'stored', 1, 2, '2026-11-20 12:00:05'),
  (4, 'quiet-1', 'http://127.0.0.1:8765/quiet/c.html', 'Last word', '2026-10-01 12:00:00', 'stored', 1, 3, '2026-10-01 12:00:05');
INSERT INTO articles (url, outlet, first_seen_at) VALUES
  ('http://127.0.0.1:8765/ok/a.html', 'Steady wire', '2026-08-23 12:00:00'),
  ('http://127.0.0.1:8765/ok/b.html', 'Steady wire', '2026-11-20 12:00:00'),
  ('http://127.0.0.1:8765/quiet/c.html', 'Quiet desk', '2026-10-01 12:00:00');
INSERT INTO article_versions (article_id, version, content_hash, title, text, raw_html, fetched_at) VALUES
  (1, 1, 'sha256:01', 'Old story', 'The old story text.', '<html><body><p>The old story text.</p></body></html>', '2026-08-23 12:00:00'),
  (3, 1, 'sha256:03', 'Last word', 'The last word.', '<html><body><p>The last word.</p></body></html>', '2026-10-12 12:00:00'),
  (2, 1, 'sha256:02', 'Newer story', 'The newer story text.', '<html><body><p>The newer story text.</p></body></html>', '2026-11-20 12:00:00');
