-- `monitor feeds reset --all`: un-park every parked feed, forget its errors, poll on the next run.
UPDATE feeds SET
    parked = false,
    error_count = 0,
    last_error = NULL,
    next_check_at = $now
WHERE parked
