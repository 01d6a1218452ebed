-- Point the claim mentions $mentions at the claims $claims in the stories $stories (ids joined by
-- commas, one of each per mention).
UPDATE claim_mentions SET claim_id = u.claim_id, story_id = u.story_id
FROM (SELECT unnest(string_split($mentions, ','))::BIGINT AS id,
             unnest(string_split($claims, ','))::BIGINT AS claim_id,
             unnest(string_split($stories, ','))::BIGINT AS story_id) u
WHERE claim_mentions.id = u.id
