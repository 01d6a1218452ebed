UPDATE claim_mentions SET claim_id = ?, story_id = ? WHERE id = ?
