-- Test helper: one claim of a story, as the claims stage would have stored it.
INSERT INTO claims (id, story_id, text, normalized, kind, first_version_id, first_article_id,
                    first_outlet, first_seen_at)
VALUES ($id, $story_id, $text, lower($text), 'new', 1, 1, 'test outlet', $seen_at);
