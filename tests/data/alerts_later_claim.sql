-- A claim first seen a day after the fixture, for the second digest period.
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id, first_article_id, first_outlet, first_seen_at)
VALUES (20, 2, 'The port authority agreed to talks with the dock workers on Friday.', 'port authority talks friday', 'new', NULL, 4, 3, 'North Wire', TIMESTAMP '2026-03-11 09:00:00');
