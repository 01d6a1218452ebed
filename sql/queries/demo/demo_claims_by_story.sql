-- Claims per story in first-seen order, marking whether they came from the story's first article.
SELECT s.name, c.kind, c.text, c.first_outlet, c.first_seen_at,
       CASE WHEN c.first_article_id = (SELECT min(a.id) FROM articles a WHERE a.story_id = s.id)
            THEN 'earlier' ELSE 'later' END AS version
FROM claims c JOIN stories s ON s.id = c.story_id
ORDER BY s.id, c.first_seen_at, c.id;
