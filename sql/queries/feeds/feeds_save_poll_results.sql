-- Polling state of a batch of polled feeds, one row per feed given as parallel lists.
-- kind: ok (parsed 2xx) | not_modified (304) | error. Successes reset the error counter and
-- store the validators; errors count up, keep the message and park the feed at the limit ($14).
UPDATE feeds SET
    etag = CASE r.kind WHEN 'ok' THEN r.etag
                       WHEN 'not_modified' THEN coalesce(r.etag, feeds.etag)
                       ELSE feeds.etag END,
    last_modified = CASE r.kind WHEN 'ok' THEN r.last_modified
                                WHEN 'not_modified' THEN coalesce(r.last_modified, feeds.last_modified)
                                ELSE feeds.last_modified END,
    last_status = r.status,
    last_checked_at = $13,
    last_success_at = CASE WHEN r.kind = 'error' THEN feeds.last_success_at ELSE $13 END,
    error_count = CASE WHEN r.kind = 'error' THEN feeds.error_count + 1 ELSE 0 END,
    last_error = CASE WHEN r.kind = 'error' THEN r.error END,
    parked = CASE WHEN r.kind = 'error' THEN feeds.parked OR feeds.error_count + 1 >= $14
                  ELSE false END,
    title = coalesce(r.title, feeds.title),
    site_url = coalesce(r.site_url, feeds.site_url),
    ttl_minutes = CASE WHEN r.kind = 'ok' THEN r.ttl_minutes ELSE feeds.ttl_minutes END,
    next_check_at = r.next_check_at,
    entries_total = feeds.entries_total + r.new_entries,
    bad_entries = feeds.bad_entries + r.bad_entries
FROM (
    SELECT unnest($1::BIGINT[]) AS id, unnest($2::VARCHAR[]) AS kind,
           unnest($3::INTEGER[]) AS status, unnest($4::VARCHAR[]) AS etag,
           unnest($5::VARCHAR[]) AS last_modified, unnest($6::VARCHAR[]) AS title,
           unnest($7::VARCHAR[]) AS site_url, unnest($8::INTEGER[]) AS ttl_minutes,
           unnest($9::TIMESTAMP[]) AS next_check_at, unnest($10::VARCHAR[]) AS error,
           unnest($11::BIGINT[]) AS new_entries, unnest($12::BIGINT[]) AS bad_entries
) AS r
WHERE feeds.id = r.id
