-- After the error limit is lowered in the config, feeds already past it are parked too.
UPDATE feeds SET parked = true
WHERE NOT parked AND error_count >= $error_limit
