-- Point the articles $articles at the stories $stories (ids joined by commas, one story per article).
UPDATE articles SET story_id = u.story_id
FROM (SELECT unnest(string_split($articles, ','))::BIGINT AS id,
             unnest(string_split($stories, ','))::BIGINT AS story_id) u
WHERE articles.id = u.id
