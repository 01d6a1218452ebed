-- Alerts about the claims $claims follow them to the stories $stories (ids joined by commas, one
-- story per claim); "new story" alerts stay with their story.
UPDATE alerts SET story_id = u.story_id
FROM (SELECT unnest(string_split($claims, ','))::BIGINT AS claim_id,
             unnest(string_split($stories, ','))::BIGINT AS story_id) u
WHERE alerts.claim_id = u.claim_id AND alerts.kind <> 'new_story'
