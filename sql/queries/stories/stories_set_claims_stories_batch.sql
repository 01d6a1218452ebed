-- Move the claims $claims to the stories $stories (ids joined by commas, one story per claim).
UPDATE claims SET story_id = u.story_id
FROM (SELECT unnest(string_split($claims, ','))::BIGINT AS id,
             unnest(string_split($stories, ','))::BIGINT AS story_id) u
WHERE claims.id = u.id
