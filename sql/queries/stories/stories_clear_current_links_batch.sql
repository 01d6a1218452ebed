UPDATE story_links SET is_current = false
WHERE is_current AND article_id IN (SELECT unnest(string_split(?, ','))::BIGINT)
