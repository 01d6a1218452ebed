SELECT status, sentence FROM claim_mentions WHERE sentence LIKE ?;
