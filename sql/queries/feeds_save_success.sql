-- A poll that returned a parsed feed (200): reset the error counter and keep the validators.
UPDATE feeds SET
    etag = $etag,
    last_modified = $last_modified,
    last_status = $status,
    last_checked_at = $now,
    last_success_at = $now,
    error_count = 0,
    last_error = NULL,
    parked = false,
    title = coalesce($title, title),
    site_url = coalesce($site_url, site_url),
    ttl_minutes = $ttl_minutes,
    next_check_at = $next_check_at,
    entries_total = entries_total + $new_entries,
    bad_entries = bad_entries + $bad_entries
WHERE id = $id
