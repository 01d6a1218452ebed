-- An editor says the claim restates $seen_as: it leaves the new/changed claims, and the ledger
-- loads it under $seen_as (claims_story_ledger), so its restatements are mentions of $seen_as.
UPDATE claims SET kind = 'seen', seen_as = $seen_as, uncertain = false, confidence = 1.0
WHERE id = $claim_id
