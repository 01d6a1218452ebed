-- Stories merged into another one: the site keeps a short page for each, pointing at the survivor.
SELECT id AS story_id, name, merged_into
FROM stories
WHERE merged_into IS NOT NULL
ORDER BY id
