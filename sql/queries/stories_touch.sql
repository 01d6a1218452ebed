UPDATE stories
SET last_article_at = greatest(coalesce(last_article_at, $1::TIMESTAMP), $1::TIMESTAMP)
WHERE id = $2
