-- A fingerprint of each story's claims (count, smallest, largest and summed id): a cached
-- ledger is reused only while its story's fingerprint is unchanged. Ids as the ledger holds them
-- (a corrected claim under the claim it restates), so a correction changes the fingerprint.
SELECT story_id, count(*), min(coalesce(seen_as, id)), max(coalesce(seen_as, id)),
       sum(coalesce(seen_as, id))
FROM claims
WHERE story_id IN (SELECT unnest($story_ids::BIGINT[]))
GROUP BY story_id;
