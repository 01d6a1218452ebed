-- The stories on the static site: every tracked story, plus the $stories_max most recently active
-- others, with their counts (new: confident new claims; restated: possibly restated ones), claims
-- added since $recent_since, and a fingerprint of what their page shows (a page is rendered again
-- only when this row changes). Merged stories are left out.
WITH activity AS (
    SELECT a.story_id,
           max(v.fetched_at)                   AS last_seen_at,
           count(*)                            AS versions,
           count(v.claims_at)                  AS versions_checked,
           max(v.claims_at)                    AS last_claims_at,
           sum(epoch(v.published_at))          AS published_sum_s
    FROM article_versions v
    JOIN articles a ON a.id = v.article_id
    WHERE a.story_id IS NOT NULL
    GROUP BY a.story_id
),
shown AS (
    SELECT s.id AS story_id, coalesce(act.last_seen_at, s.created_at) AS last_seen_at
    FROM stories s
    LEFT JOIN activity act ON act.story_id = s.id
    WHERE s.merged_into IS NULL
    QUALIFY s.tracked
         OR row_number() OVER (ORDER BY s.tracked, coalesce(act.last_seen_at, s.created_at) DESC, s.id)
            <= $stories_max
),
story_articles AS (
    SELECT a.story_id, count(*) AS articles, count(DISTINCT a.outlet) AS outlets,
           min(a.first_seen_at) AS first_seen_at
    FROM articles a
    WHERE a.story_id IN (SELECT story_id FROM shown)
    GROUP BY a.story_id
),
shown_claims AS (
    -- restated: possibly restated (sql/views/05_possibly_restated.sql), counted apart from new
    SELECT c.id, c.story_id, c.kind,
           possibly_restated(c.kind, c.uncertain, c.first_article_id, near.first_article_id)
               AS restated
    FROM claims c
    LEFT JOIN claims near ON near.id = c.nearest_claim_id
    WHERE c.story_id IN (SELECT story_id FROM shown)
),
story_claims AS (
    SELECT story_id,
           count(*)                                                AS claims,
           count(*) FILTER (WHERE kind = 'new' AND NOT restated)   AS new_claims,
           count(*) FILTER (WHERE restated)                        AS restated_claims,
           count(*) FILTER (WHERE kind = 'changed')                AS changed_claims
    FROM shown_claims
    GROUP BY story_id
),
story_mentions AS (
    SELECT m.story_id,
           count(*)                                                  AS mentions,
           count(*) FILTER (WHERE m.status = 'new' AND NOT coalesce(sc.restated, false)
                                  AND v.fetched_at >= $recent_since) AS recent_new,
           count(*) FILTER (WHERE m.status = 'changed' AND v.fetched_at >= $recent_since) AS recent_changed
    FROM claim_mentions m
    JOIN article_versions v ON v.id = m.version_id
    LEFT JOIN shown_claims sc ON sc.id = m.claim_id
    WHERE m.story_id IN (SELECT story_id FROM shown)
    GROUP BY m.story_id
)
SELECT s.id                                   AS story_id,
       s.name,
       s.tracked,
       s.keywords,
       coalesce(sa.first_seen_at, s.created_at) AS first_seen_at,
       sh.last_seen_at,
       coalesce(sa.articles, 0)               AS articles,
       coalesce(act.versions, 0)              AS versions,
       coalesce(sa.outlets, 0)                AS outlets,
       coalesce(sc.claims, 0)                 AS claims,
       coalesce(sc.new_claims, 0)             AS new_claims,
       coalesce(sc.changed_claims, 0)         AS changed_claims,
       coalesce(sc.restated_claims, 0)        AS restated_claims,
       coalesce(sm.recent_new, 0)             AS recent_new,
       coalesce(sm.recent_changed, 0)         AS recent_changed,
       coalesce(sm.mentions, 0)               AS mentions,
       coalesce(act.versions_checked, 0)      AS versions_checked,
       act.last_claims_at,
       act.published_sum_s
FROM shown sh
JOIN stories s ON s.id = sh.story_id
LEFT JOIN activity act ON act.story_id = s.id
LEFT JOIN story_articles sa ON sa.story_id = s.id
LEFT JOIN story_claims sc ON sc.story_id = s.id
LEFT JOIN story_mentions sm ON sm.story_id = s.id
ORDER BY s.tracked DESC, sh.last_seen_at DESC, s.id
