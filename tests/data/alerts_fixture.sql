-- Fixture for tests/test_alerts*.py: two stories, written for these tests (no third-party text).
-- Story 1 "Harbour bridge closure" (tracked): a new claim carried by two outlets, a changed figure,
-- and a claim added by an updated (version 2) article. Story 2 "Port strike in Valdora" is new and
-- untracked, with one new claim, published long ago (first_seen_at holds the publication time)
-- but detected now (its version's claims_at). Claim 10 is old (outside the backlog) and is never queued itself.
INSERT INTO stories (id, name, tracked, keywords, created_at, last_article_at) VALUES
    (1, 'Harbour bridge closure', true, ['bridge', 'harbour'], TIMESTAMP '2026-03-01 08:00:00', TIMESTAMP '2026-03-10 08:30:00'),
    (2, 'Port strike in Valdora', false, [], TIMESTAMP '2026-03-10 08:10:00', TIMESTAMP '2026-03-10 08:10:00');

INSERT INTO articles (id, url, outlet, first_seen_at, story_id) VALUES
    (1, 'https://ledger.example/bridge-closed', 'Daily Ledger', TIMESTAMP '2026-03-07 07:00:00', 1),
    (2, 'https://gazette.example/bridge-repairs', 'Coast Gazette', TIMESTAMP '2026-03-10 08:00:00', 1),
    (3, 'https://wire.example/valdora-strike', 'North Wire', TIMESTAMP '2026-03-10 08:10:00', 2);

INSERT INTO article_versions (id, article_id, version, content_hash, title, text, fetched_at, claims_at, published_at, published_source) VALUES
    (1, 1, 1, 'h1', 'Harbour bridge closed after inspection', 'fixture', TIMESTAMP '2026-03-07 07:00:00', TIMESTAMP '2026-03-07 07:00:00', TIMESTAMP '2026-03-07 06:45:00', 'feed'),
    (2, 2, 1, 'h2', 'Bridge repairs to take months', 'fixture', TIMESTAMP '2026-03-10 08:00:00', TIMESTAMP '2026-03-10 08:00:02', TIMESTAMP '2026-03-10 07:55:00', 'feed'),
    (3, 1, 2, 'h3', 'Harbour bridge closed after inspection (updated)', 'fixture', TIMESTAMP '2026-03-10 08:30:00', TIMESTAMP '2026-03-10 08:30:02', TIMESTAMP '2026-03-10 08:20:00', 'page-meta'),
    (4, 3, 1, 'h4', 'Dock workers strike in Valdora', 'fixture', TIMESTAMP '2026-03-10 08:10:00', TIMESTAMP '2026-03-10 08:10:02', TIMESTAMP '2022-06-16 09:00:00', 'feed');

INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id, first_article_id, first_outlet, first_seen_at) VALUES
    (10, 1, 'Repairs to the harbour bridge will cost 12 million euros.', 'repairs cost 12 million', 'new', NULL, 1, 1, 'Daily Ledger', TIMESTAMP '2026-03-07 07:00:00'),
    (11, 1, 'Engineers found cracks in two of the bridge''s main cables.', 'engineers found cracks cables', 'new', NULL, 2, 2, 'Coast Gazette', TIMESTAMP '2026-03-10 08:00:00'),
    (12, 1, 'Repairs to the harbour bridge will cost 30 million euros.', 'repairs cost 30 million', 'changed', 10, 2, 2, 'Coast Gazette', TIMESTAMP '2026-03-10 08:00:01'),
    (13, 1, 'The ferry service will run every twenty minutes during the closure.', 'ferry every twenty minutes', 'new', NULL, 3, 1, 'Daily Ledger', TIMESTAMP '2026-03-10 08:30:00'),
    (14, 2, 'Dock workers in Valdora walked out over unpaid overtime.', 'dock workers walked out overtime', 'new', NULL, 4, 3, 'North Wire', TIMESTAMP '2022-06-16 09:00:00');

INSERT INTO claim_mentions (id, claim_id, story_id, version_id, article_id, sentence_index, sentence, status, score, outlet, mentioned_at) VALUES
    (1, 10, 1, 1, 1, 0, 'Repairs to the harbour bridge will cost 12 million euros.', 'new', NULL, 'Daily Ledger', TIMESTAMP '2026-03-07 07:00:00'),
    (2, 11, 1, 2, 2, 0, 'Engineers found cracks in two of the bridge''s main cables.', 'new', NULL, 'Coast Gazette', TIMESTAMP '2026-03-10 08:00:00'),
    (3, 12, 1, 2, 2, 1, 'Repairs to the harbour bridge will cost 30 million euros.', 'changed', 0.8, 'Coast Gazette', TIMESTAMP '2026-03-10 08:00:01'),
    (4, 11, 1, 3, 1, 0, 'Inspectors found cracks in two main cables of the bridge.', 'seen', 0.9, 'Daily Ledger', TIMESTAMP '2026-03-10 08:30:00'),
    (5, 13, 1, 3, 1, 1, 'The ferry service will run every twenty minutes during the closure.', 'new', NULL, 'Daily Ledger', TIMESTAMP '2026-03-10 08:30:00'),
    (6, 14, 2, 4, 3, 0, 'Dock workers in Valdora walked out over unpaid overtime.', 'new', NULL, 'North Wire', TIMESTAMP '2026-03-10 08:10:00');
