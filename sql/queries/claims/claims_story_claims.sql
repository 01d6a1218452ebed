-- A story's ledger for `monitor claims ledger`: each claim with its corroboration.
SELECT claim_id, kind, text, changed_from_text, first_outlet, first_seen_at, corroboration,
       mentions, first_url
FROM claim_ledger
WHERE story_id = $story_id
ORDER BY first_seen_at, claim_id;
