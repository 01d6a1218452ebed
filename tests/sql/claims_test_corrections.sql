-- Test helper: every stored correction, oldest first.
SELECT claim_id, verdict, seen_as, nearest_id, previous_kind, corrected_by, corrected_at
FROM claim_corrections
ORDER BY id;
