-- Every $model vector of one story's claims with the claim's normalised form, by claim id: the
-- stage maps each vector to its ledger entry through that form (a corrected claim keeps its own).
SELECT e.claim_id, c.normalized, e.vector
FROM claim_embeddings e
JOIN claims c ON c.id = e.claim_id
WHERE c.story_id = $story_id AND e.model = $model
ORDER BY e.claim_id;
