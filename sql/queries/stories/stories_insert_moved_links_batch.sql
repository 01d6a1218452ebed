-- Current links of the articles $articles (ids joined by commas) to story $story, with no score
-- (a move by `split` or `merge`, not a linking decision).
INSERT INTO story_links (article_id, story_id, score, reason, linked_at, is_current)
SELECT unnest(string_split($articles, ','))::BIGINT, $story, NULL, $reason, $now, true
