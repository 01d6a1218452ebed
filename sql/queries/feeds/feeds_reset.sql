-- `monitor feeds reset ID`: un-park, forget errors and validators' failures, poll on the next run.
UPDATE feeds SET
    parked = false,
    error_count = 0,
    last_error = NULL,
    next_check_at = $now
WHERE id = $id
