-- Test helper: move one claim to another story, as a story merge does.
UPDATE claims SET story_id = $story_id WHERE id = $id;
