-- Latest version of every article of the untracked stories $1 (ids joined by commas) that hold
-- between $2 and $3 articles, oldest first per story: the members a split re-check compares.
-- A story someone merged by hand (a current `merge` or `manual` link) is left as it is.
-- `member_at` and the version id order a split's rebuilt vectors as `stories_latest_versions` does.
WITH wanted AS (
    SELECT s.id
    FROM stories s
    JOIN (SELECT unnest(string_split(?, ','))::BIGINT AS id) q ON q.id = s.id
    WHERE NOT s.tracked AND s.merged_into IS NULL
      AND NOT EXISTS (SELECT 1 FROM story_links l
                      WHERE l.story_id = s.id AND l.is_current AND l.reason IN ('merge', 'manual'))
), sized AS (
    SELECT a.story_id
    FROM articles a
    WHERE a.story_id IN (SELECT id FROM wanted)
    GROUP BY a.story_id
    HAVING count(*) BETWEEN ? AND ?
)
SELECT a.story_id, v.article_id, v.title, v.text, coalesce(v.published_at, v.fetched_at) AS member_at, v.id
FROM articles a
JOIN article_versions v ON v.article_id = a.id
WHERE a.story_id IN (SELECT story_id FROM sized)
QUALIFY row_number() OVER (PARTITION BY v.article_id ORDER BY v.version DESC) = 1
ORDER BY a.story_id, member_at, v.article_id
