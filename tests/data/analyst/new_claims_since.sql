-- The README's "what is new since" query, through the view's table macro.
SELECT claim_id, kind, outlet FROM new_claims_since($since) ORDER BY claim_id;
