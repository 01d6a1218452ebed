-- Move the claims $claims (ids joined by commas) to story $story.
UPDATE claims SET story_id = $story
WHERE id IN (SELECT unnest(string_split($claims, ','))::BIGINT)
