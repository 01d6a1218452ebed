-- Every $model vector of one story's claims, by claim id (what an in-memory ledger would hold).
SELECT e.claim_id, e.vector
FROM claim_embeddings e
JOIN claims c ON c.id = e.claim_id
WHERE c.story_id = $story_id AND e.model = $model
ORDER BY e.claim_id;
