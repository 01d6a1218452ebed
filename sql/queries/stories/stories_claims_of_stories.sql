-- Claims of the stories $stories (ids joined by commas), by id per story: what a split moves or copies.
SELECT id, story_id, first_article_id
FROM claims
WHERE story_id IN (SELECT unnest(string_split($stories, ','))::BIGINT)
ORDER BY story_id, id
