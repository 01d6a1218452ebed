-- Stories whose name contains the text (case-insensitive), most recently active first.
SELECT story_id, name, articles, last_seen_at
FROM story_overview
WHERE name ILIKE '%' || ? || '%'
ORDER BY active DESC, last_seen_at DESC, story_id;
