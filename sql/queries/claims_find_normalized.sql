-- The claim a story already holds under this normalised form.
SELECT id FROM claims WHERE story_id = $story_id AND normalized = $normalized;
