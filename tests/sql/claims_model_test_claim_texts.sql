-- Test helper: each claim of a story with its stored text.
SELECT id, text FROM claims WHERE story_id = $story_id ORDER BY id;
