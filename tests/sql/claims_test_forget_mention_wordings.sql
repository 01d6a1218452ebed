-- Test helper: mentions as rows written before migration 099 left them (no normalised form).
UPDATE claim_mentions SET normalized = NULL;
