UPDATE articles SET story_id = u.story_id
FROM (SELECT unnest(string_split($articles, ','))::BIGINT AS article_id,
             unnest(string_split($stories, ','))::BIGINT AS story_id) u
WHERE articles.id = u.article_id
