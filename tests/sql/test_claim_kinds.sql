-- Tests: every claim with its kind.
SELECT story_id, kind, text FROM claims ORDER BY id;
