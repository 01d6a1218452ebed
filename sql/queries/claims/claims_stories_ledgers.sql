-- The claim ledgers of several stories in one scan, each oldest first.
-- A claim an editor corrected to `seen` stands for the claim it restates (seen_as).
SELECT story_id, coalesce(seen_as, id) AS id, text, normalized, first_version_id
FROM claims
WHERE story_id IN (SELECT unnest($story_ids::BIGINT[]))
ORDER BY story_id, first_seen_at, id;
