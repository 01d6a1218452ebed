-- Point the claim mentions $mentions at the claims $claims (both ids joined by commas, pairwise)
-- in story $story.
UPDATE claim_mentions SET claim_id = u.claim_id, story_id = $story
FROM (SELECT unnest(string_split($mentions, ','))::BIGINT AS id,
             unnest(string_split($claims, ','))::BIGINT AS claim_id) u
WHERE claim_mentions.id = u.id
