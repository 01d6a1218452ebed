-- Article versions whose raw HTML is past retention: how many, and how many characters.
SELECT count(*), coalesce(sum(length(raw_html)), 0)
FROM article_versions
WHERE raw_html IS NOT NULL AND fetched_at < ?;
