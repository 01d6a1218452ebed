SELECT views_hash FROM view_state ORDER BY created_at DESC LIMIT 1;
