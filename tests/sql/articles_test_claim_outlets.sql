-- Test helper: each claim's first outlet and first-seen time.
SELECT id, first_outlet, first_seen_at FROM claims ORDER BY id
