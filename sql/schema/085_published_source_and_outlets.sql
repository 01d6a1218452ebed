-- Issue 18: where each publication time came from, and outlet names instead of host names.
-- article_versions.published_source: feed | page-meta | page-markup | page-guess | fetched
-- (monitor.articles.PUBLISHED_SOURCES); 'page' marks a page date stored before sources were kept.
ALTER TABLE article_versions ADD COLUMN published_source VARCHAR;

-- Dates. A stored page date at midnight (a bare date, or the January 1st of a copyright footer)
-- gives way to the feed's date of the same article; a January 1st midnight with no feed date is
-- dropped (the fetch time stands in). Claims and mentions carry the version's time, so they follow.
CREATE VIEW migration_085_dates AS
WITH feed_dates AS (
    SELECT article_id, min(published_at) AS feed_at
    FROM entries
    WHERE article_id IS NOT NULL AND published_at IS NOT NULL
    GROUP BY article_id
)
SELECT v.id AS version_id,
       CASE WHEN f.feed_at IS NOT NULL THEN f.feed_at END AS new_published_at,
       CASE WHEN f.feed_at IS NOT NULL THEN 'feed' ELSE 'fetched' END AS new_source,
       coalesce(f.feed_at, v.fetched_at) AS new_seen_at
FROM article_versions v
LEFT JOIN feed_dates f ON f.article_id = v.article_id
WHERE v.published_at IS NOT NULL
  AND v.published_at::TIME = TIME '00:00:00'
  AND ((f.feed_at IS NOT NULL AND f.feed_at <> v.published_at)
       OR (f.feed_at IS NULL AND month(v.published_at) = 1 AND day(v.published_at) = 1));

UPDATE claim_mentions SET mentioned_at = d.new_seen_at
FROM migration_085_dates d WHERE claim_mentions.version_id = d.version_id;

UPDATE claims SET first_seen_at = d.new_seen_at
FROM migration_085_dates d WHERE claims.first_version_id = d.version_id;

UPDATE article_versions SET published_at = d.new_published_at, published_source = d.new_source
FROM migration_085_dates d WHERE article_versions.id = d.version_id;

DROP VIEW migration_085_dates;

UPDATE article_versions SET published_source = CASE
    WHEN published_at IS NULL THEN 'fetched'
    WHEN published_at IN (SELECT e.published_at FROM entries e WHERE e.article_id = article_versions.article_id)
        THEN 'feed'
    ELSE 'page' END
WHERE published_source IS NULL;

-- Outlets. An article whose outlet is its host (trafilatura's fallback, e.g. "127.0.0.1:28431")
-- takes the <title> suffix its host's pages share ("... | The Daily Ledger" on two or more
-- articles), else its feed's title. Claims and mentions copy the outlet, so they follow.
CREATE VIEW migration_085_outlets AS
WITH hosted AS (
    SELECT a.id, a.outlet,
           lower(regexp_extract(a.url, '^[a-zA-Z]+://(?:[^@/]*@)?(?:www\.)?([^/?#]+)', 1)) AS netloc
    FROM articles a
),
host_named AS (
    SELECT id, netloc FROM hosted
    WHERE lower(outlet) IN (netloc, regexp_replace(netloc, ':\d+$', ''))
),
latest_titles AS (
    SELECT v.article_id,
           trim(regexp_extract(arg_max(v.raw_html, v.version), '<title[^>]*>([^<]*)</title>', 1)) AS title
    FROM article_versions v
    WHERE v.article_id IN (SELECT id FROM host_named) AND v.raw_html IS NOT NULL
    GROUP BY v.article_id
),
suffixes AS (
    SELECT h.id, h.netloc,
           nullif(trim(regexp_extract(t.title, '\s(?:\||-|—|–|·)\s([^|—–·]+)$', 1)), '') AS suffix
    FROM host_named h JOIN latest_titles t ON t.article_id = h.id
),
shared AS (
    SELECT netloc, suffix FROM suffixes WHERE suffix IS NOT NULL
    GROUP BY netloc, suffix HAVING count(DISTINCT id) >= 2
),
feed_titles AS (
    SELECT e.article_id, min(f.title) AS title
    FROM entries e JOIN feeds f ON f.id = e.feed_id
    WHERE e.article_id IN (SELECT id FROM host_named) AND nullif(trim(f.title), '') IS NOT NULL
    GROUP BY e.article_id
)
SELECT h.id AS article_id, coalesce(sh.suffix, ft.title) AS new_outlet
FROM host_named h
LEFT JOIN suffixes s ON s.id = h.id
LEFT JOIN shared sh ON sh.netloc = s.netloc AND sh.suffix = s.suffix
LEFT JOIN feed_titles ft ON ft.article_id = h.id
WHERE coalesce(sh.suffix, ft.title) IS NOT NULL;

UPDATE claim_mentions SET outlet = o.new_outlet
FROM migration_085_outlets o WHERE claim_mentions.article_id = o.article_id;

UPDATE claims SET first_outlet = o.new_outlet
FROM migration_085_outlets o WHERE claims.first_article_id = o.article_id;

UPDATE articles SET outlet = o.new_outlet
FROM migration_085_outlets o WHERE articles.id = o.article_id;

DROP VIEW migration_085_outlets;
