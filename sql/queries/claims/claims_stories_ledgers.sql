-- The claim ledgers of several stories in one scan, each oldest first.
SELECT story_id, id, text, normalized, first_version_id
FROM claims
WHERE story_id IN (SELECT unnest($story_ids::BIGINT[]))
ORDER BY story_id, first_seen_at, id;
