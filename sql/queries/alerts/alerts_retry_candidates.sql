-- Failed and parked rows per channel, before `monitor alerts retry` makes them due.
SELECT channel, count(*) FROM alerts
WHERE status IN ('failed', 'unknown') AND ($channel IS NULL OR channel = $channel)
GROUP BY channel ORDER BY channel
