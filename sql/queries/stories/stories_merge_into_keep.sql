UPDATE stories AS k
SET last_article_at = greatest(k.last_article_at, m.last_article_at),
    tracked = k.tracked OR m.tracked,
    keywords = list_distinct(list_concat(k.keywords, m.keywords))
FROM stories AS m
WHERE k.id = $1 AND m.id = $2
