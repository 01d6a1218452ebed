-- An editor says the claim is new: a new claim again (no longer a change or a restatement).
UPDATE claims SET kind = 'new', seen_as = NULL, changed_from = NULL, change_kind = NULL,
                  uncertain = false, confidence = 1.0
WHERE id = $claim_id
