-- Every $model vector of one story, by claim id (what an in-memory ledger would hold).
SELECT claim_id, vector
FROM claim_embeddings
WHERE story_id = $story_id AND model = $model
ORDER BY claim_id;
