-- Test helper: put every stored article into story $story_id, as story linking would.
UPDATE articles SET story_id = $story_id;
