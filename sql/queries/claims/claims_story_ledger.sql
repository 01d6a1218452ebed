-- The claim ledger of one story, oldest first.
-- A claim an editor corrected to `seen` stands for the claim it restates (seen_as).
SELECT coalesce(seen_as, id) AS id, text, normalized, first_version_id
FROM claims
WHERE story_id = $story_id
ORDER BY first_seen_at, id;
