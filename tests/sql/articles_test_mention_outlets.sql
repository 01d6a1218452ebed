-- Test helper: the distinct (outlet, time) pairs of claim mentions.
SELECT DISTINCT outlet, mentioned_at FROM claim_mentions ORDER BY 1
