-- A claim corrected to `seen` is not alerted: its alerts not sent yet are filtered (sent ones stay).
UPDATE alerts SET status = 'filtered', last_error = 'corrected: restates claim ' || $seen_as::VARCHAR
WHERE claim_id = $claim_id AND kind IN ('new_claim', 'changed_claim')
  AND status IN ('pending', 'failed')
