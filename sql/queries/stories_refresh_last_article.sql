UPDATE stories
SET last_article_at = (
    SELECT max(coalesce(v.published_at, v.fetched_at))
    FROM articles a JOIN article_versions v ON v.article_id = a.id
    WHERE a.story_id = $1
)
WHERE id = $1
