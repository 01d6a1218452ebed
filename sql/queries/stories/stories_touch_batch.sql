UPDATE stories SET last_article_at = greatest(coalesce(stories.last_article_at, u.ts), u.ts)
FROM (SELECT unnest(string_split($stories, ','))::BIGINT AS story_id,
             nullif(unnest(string_split($times, ',')), '')::TIMESTAMP AS ts) u
WHERE stories.id = u.story_id
