-- One row per story: when it was first and last seen, how much coverage and how many claims it has.
-- Named story_overview because the core table `stories` already holds the clusters themselves.
CREATE OR REPLACE VIEW story_overview AS
WITH story_articles AS (
    SELECT a.story_id,
           count(*)                 AS articles,
           count(DISTINCT a.outlet) AS outlets,
           min(a.first_seen_at)     AS first_seen_at
    FROM articles a
    WHERE a.story_id IS NOT NULL
    GROUP BY a.story_id
),
story_versions AS (
    SELECT a.story_id,
           count(*)            AS versions,
           max(v.fetched_at)   AS last_seen_at,
           min(v.published_at) AS first_published_at,
           max(v.published_at) AS last_published_at
    FROM article_versions v
    JOIN articles a ON a.id = v.article_id
    WHERE a.story_id IS NOT NULL
    GROUP BY a.story_id
),
story_claims AS (
    SELECT story_id,
           count(*)                                  AS claims,
           count(*) FILTER (WHERE kind = 'new')      AS new_claims,
           count(*) FILTER (WHERE kind = 'changed')  AS changed_claims,
           max(first_seen_at)                        AS last_claim_at
    FROM claims
    GROUP BY story_id
)
SELECT s.id                              AS story_id,
       s.name,
       s.tracked,
       s.merged_into IS NULL             AS active,
       s.merged_into,
       coalesce(sa.first_seen_at, s.created_at) AS first_seen_at,
       coalesce(sv.last_seen_at, sa.first_seen_at, s.created_at) AS last_seen_at,
       sv.first_published_at,
       sv.last_published_at,
       coalesce(sa.articles, 0)          AS articles,
       coalesce(sv.versions, 0)          AS versions,
       coalesce(sa.outlets, 0)           AS outlets,
       coalesce(sc.claims, 0)            AS claims,
       coalesce(sc.new_claims, 0)        AS new_claims,
       coalesce(sc.changed_claims, 0)    AS changed_claims,
       sc.last_claim_at,
       s.keywords,
       s.created_at
FROM stories s
LEFT JOIN story_articles sa ON sa.story_id = s.id
LEFT JOIN story_versions sv ON sv.story_id = s.id
LEFT JOIN story_claims sc ON sc.story_id = s.id
ORDER BY last_seen_at DESC, story_id;
