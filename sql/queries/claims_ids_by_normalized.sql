-- The ids under which a story holds the given normalised claims.
SELECT id, normalized FROM claims
WHERE story_id = $story_id AND list_contains($normalized::VARCHAR[], normalized);
