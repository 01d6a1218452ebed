-- Current links (reason $reason, no score) of the articles $articles to the stories $stories (ids
-- joined by commas, one story per article): the moves of one or more splits.
INSERT INTO story_links (article_id, story_id, score, reason, linked_at, is_current)
SELECT unnest(string_split($articles, ','))::BIGINT, unnest(string_split($stories, ','))::BIGINT,
       NULL, $reason, $now, true
