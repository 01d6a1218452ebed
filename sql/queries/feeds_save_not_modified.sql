-- A 304: nothing changed, the feed is healthy; keep the old validators unless new ones came.
UPDATE feeds SET
    etag = coalesce($etag, etag),
    last_modified = coalesce($last_modified, last_modified),
    last_status = 304,
    last_checked_at = $now,
    last_success_at = $now,
    error_count = 0,
    last_error = NULL,
    parked = false,
    next_check_at = $next_check_at
WHERE id = $id
