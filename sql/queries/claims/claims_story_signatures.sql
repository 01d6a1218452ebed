-- A fingerprint of each story's claims (count, smallest, largest and summed id): a cached
-- ledger is reused only while its story's fingerprint is unchanged.
SELECT story_id, count(*), min(id), max(id), sum(id)
FROM claims
WHERE story_id IN (SELECT unnest($story_ids::BIGINT[]))
GROUP BY story_id;
