-- Alerts about the claims $claims (ids joined by commas) follow them to story $story.
UPDATE alerts SET story_id = $story
WHERE claim_id IN (SELECT unnest(string_split($claims, ','))::BIGINT) AND kind <> 'new_story'
