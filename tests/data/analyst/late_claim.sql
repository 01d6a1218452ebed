-- A claim that arrives after the search index was built (to test that refresh picks it up).
INSERT INTO claims (id, story_id, text, normalized, kind, first_version_id, first_article_id, first_outlet, first_seen_at)
VALUES (16, 1, 'Convoys of tankers loaded with stolen oil are frequently seen crossing toward northern Iraq.',
        'convoys of tankers loaded with stolen oil', 'new', 3, 2, 'Al Mayadeen English', '2026-11-21 21:45:03');
