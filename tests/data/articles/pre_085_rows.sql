-- Rows as a database before migration 085 stored them (tests/test_article_dates.py): outlets that are
-- the host ("127.0.0.1:28431"), a "Copyright 2022" page date, a midnight page date under an 18:30
-- feed date, a timed metadata date, and a January 1st guess with no feed date. Written for the tests.
INSERT INTO feeds (id, url, title, interval_minutes, next_check_at, created_at) VALUES
    (1, 'http://127.0.0.1:28431/bulletin/rss', 'Eastside Bulletin', 15, TIMESTAMP '2022-06-16 12:00', TIMESTAMP '2022-06-16 12:00'),
    (2, 'http://127.0.0.1:28431/ledger/rss', NULL, 15, TIMESTAMP '2022-06-16 12:00', TIMESTAMP '2022-06-16 12:00');

INSERT INTO articles (id, url, outlet, first_seen_at, story_id) VALUES
    (1, 'http://127.0.0.1:28431/footer', '127.0.0.1:28431', TIMESTAMP '2022-06-16 12:00', 1),
    (2, 'http://127.0.0.1:28431/ledger', '127.0.0.1:28431', TIMESTAMP '2022-06-16 12:00', 1),
    (3, 'http://127.0.0.1:28431/evening', '127.0.0.1:28431', TIMESTAMP '2022-06-16 12:00', 1),
    (4, 'http://127.0.0.1:28431/meta', 'Harbour Courier', TIMESTAMP '2022-06-16 12:00', 1),
    (5, 'http://127.0.0.1:28431/guess', '127.0.0.1', TIMESTAMP '2022-06-16 12:00', 1);

INSERT INTO entries (id, feed_id, guid, url, title, published_at, discovered_at, state, article_id) VALUES
    (1, 2, 'footer', 'http://127.0.0.1:28431/footer', NULL, TIMESTAMP '2022-06-14 09:00', TIMESTAMP '2022-06-16 12:00', 'stored', 1),
    (2, 2, 'ledger', 'http://127.0.0.1:28431/ledger', NULL, NULL, TIMESTAMP '2022-06-16 12:00', 'stored', 2),
    (3, 1, 'evening', 'http://127.0.0.1:28431/evening', NULL, TIMESTAMP '2022-06-14 18:30', TIMESTAMP '2022-06-16 12:00', 'stored', 3),
    (4, 2, 'meta', 'http://127.0.0.1:28431/meta', NULL, NULL, TIMESTAMP '2022-06-16 12:00', 'stored', 4),
    (5, 2, 'guess', 'http://127.0.0.1:28431/guess', NULL, NULL, TIMESTAMP '2022-06-16 12:00', 'stored', 5);

INSERT INTO article_versions (id, article_id, version, content_hash, title, published_at, text, raw_html, fetched_at) VALUES
    (1, 1, 1, 'h1', 'Ferry pier reopens', TIMESTAMP '2022-01-01 00:00', 'fixture',
     '<html><head><title>Ferry pier reopens | The Daily Ledger</title></head></html>', TIMESTAMP '2022-06-16 12:00'),
    (2, 2, 1, 'h2', 'Chief engineer named', TIMESTAMP '2022-06-15 05:45', 'fixture',
     '<html><head><title>Chief engineer named | The Daily Ledger</title></head></html>', TIMESTAMP '2022-06-16 12:00'),
    (3, 3, 1, 'h3', 'Night market returns', TIMESTAMP '2022-06-14 00:00', 'fixture',
     '<html><head><title>Night market returns</title></head></html>', TIMESTAMP '2022-06-16 12:00'),
    (4, 4, 1, 'h4', 'Harbour works', TIMESTAMP '2022-06-15 05:45', 'fixture', NULL, TIMESTAMP '2022-06-16 12:00'),
    (5, 5, 1, 'h5', 'Undated page', TIMESTAMP '2022-01-01 00:00', 'fixture', NULL, TIMESTAMP '2022-06-16 12:00');

INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id, first_article_id, first_outlet, first_seen_at) VALUES
    (1, 1, 'The eastern ferry pier will reopen in eleven weeks.', 'ferry pier reopen eleven weeks', 'new', NULL, 1, 1, '127.0.0.1:28431', TIMESTAMP '2022-01-01 00:00');

INSERT INTO claim_mentions (id, claim_id, story_id, version_id, article_id, sentence_index, sentence, status, score, outlet, mentioned_at) VALUES
    (1, 1, 1, 1, 1, 0, 'The eastern ferry pier will reopen in eleven weeks.', 'new', NULL, '127.0.0.1:28431', TIMESTAMP '2022-01-01 00:00'),
    (2, 1, 1, 3, 3, 0, 'The ferry pier reopens in eleven weeks.', 'seen', 0.9, '127.0.0.1:28431', TIMESTAMP '2022-06-14 00:00');
