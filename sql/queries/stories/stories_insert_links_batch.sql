INSERT INTO story_links (article_id, story_id, score, reason, linked_at, is_current)
SELECT unnest(string_split($articles, ','))::BIGINT, unnest(string_split($stories, ','))::BIGINT,
       unnest(string_split($scores, ','))::DOUBLE, unnest(string_split($reasons, ',')), $now, true
