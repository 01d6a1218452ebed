-- Point the articles $articles (ids joined by commas) at story $story.
UPDATE articles SET story_id = $story
WHERE id IN (SELECT unnest(string_split($articles, ','))::BIGINT)
