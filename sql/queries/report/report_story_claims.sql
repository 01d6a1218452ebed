SELECT * FROM claim_ledger WHERE story_id = ? ORDER BY first_seen_at, claim_id;
