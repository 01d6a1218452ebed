-- Test helper: the claims the new_claims view marks possibly restated, with the claim they may restate.
SELECT text, nearest_text FROM new_claims WHERE possibly_restated ORDER BY claim_id;
