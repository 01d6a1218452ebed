-- `monitor run --now`: every feed that is not parked is due immediately.
UPDATE feeds SET next_check_at = ? WHERE NOT parked;
