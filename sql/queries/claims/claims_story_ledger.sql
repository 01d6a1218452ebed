-- The claim ledger of one story, oldest first.
SELECT id, text, normalized, first_version_id
FROM claims
WHERE story_id = $story_id
ORDER BY first_seen_at, id;
