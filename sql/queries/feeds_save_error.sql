-- A failed poll: count it, keep the message, park the feed once it reaches the error limit.
UPDATE feeds SET
    last_status = $status,
    last_checked_at = $now,
    error_count = error_count + 1,
    last_error = $error,
    parked = parked OR error_count + 1 >= $error_limit,
    next_check_at = $next_check_at
WHERE id = $id
RETURNING parked
