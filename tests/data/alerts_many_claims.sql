-- 40 extra new claims for story 1 (fixture text generated here), to exercise size limits.
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id, first_article_id, first_outlet, first_seen_at)
SELECT 100 + i, 1,
       'Generated fixture claim number ' || i || ' says the bridge detour adds ' || i || ' minutes to the commute for residents of the eastern district.',
       'generated claim ' || i, 'new', NULL, 2, 2, 'Coast Gazette', TIMESTAMP '2026-03-10 09:00:00' + to_seconds(i)
FROM range(40) t(i);
