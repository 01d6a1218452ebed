INSERT INTO claim_corrections (claim_id, story_id, verdict, seen_as, nearest_id, previous_kind,
                               corrected_by, corrected_at)
VALUES ($claim_id, $story_id, $verdict, $seen_as, $nearest_id, $previous_kind, $by, $at)
RETURNING id;
