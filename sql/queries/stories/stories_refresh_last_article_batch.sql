-- Each story of $stories (ids joined by commas) takes the time of its newest article version.
UPDATE stories
SET last_article_at = (
    SELECT max(coalesce(v.published_at, v.fetched_at))
    FROM articles a JOIN article_versions v ON v.article_id = a.id
    WHERE a.story_id = stories.id
)
WHERE id IN (SELECT unnest(string_split($stories, ','))::BIGINT)
