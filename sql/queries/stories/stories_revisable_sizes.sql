-- Article counts of the untracked stories $1 (ids joined by commas) that hold between $2 and $3
-- articles: the stories `stories_member_versions` would read, so a re-check can skip most.
-- A story someone merged by hand (a current `merge` or `manual` link) is left out.
SELECT a.story_id, count(*)::BIGINT
FROM articles a
JOIN stories s ON s.id = a.story_id
WHERE a.story_id IN (SELECT unnest(string_split(?, ','))::BIGINT)
  AND NOT s.tracked AND s.merged_into IS NULL
  AND NOT EXISTS (SELECT 1 FROM story_links l
                  WHERE l.story_id = s.id AND l.is_current AND l.reason IN ('merge', 'manual'))
GROUP BY a.story_id
HAVING count(*) BETWEEN ? AND ?
ORDER BY a.story_id
