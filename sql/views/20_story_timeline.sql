-- Each story's coverage in the order the monitor saw it: one row per article version, with what
-- that version added (new), altered (changed) and repeated (seen) among the story's claims.
CREATE OR REPLACE VIEW story_timeline AS
WITH mention_counts AS (
    SELECT version_id,
           count(*) FILTER (WHERE status = 'new')     AS new_claims,
           count(*) FILTER (WHERE status = 'changed') AS changed_claims,
           count(*) FILTER (WHERE status = 'seen')    AS seen_claims
    FROM claim_mentions
    GROUP BY version_id
)
SELECT a.story_id,
       s.name                            AS story_name,
       row_number() OVER (PARTITION BY a.story_id ORDER BY v.fetched_at, v.id) AS position,
       v.fetched_at                      AS seen_at,
       v.published_at,
       v.published_source,
       a.outlet,
       a.url,
       v.title,
       v.author,
       a.id                              AS article_id,
       v.id                              AS version_id,
       v.version,
       coalesce(m.new_claims, 0)         AS new_claims,
       coalesce(m.changed_claims, 0)     AS changed_claims,
       coalesce(m.seen_claims, 0)        AS seen_claims,
       v.claims_at IS NOT NULL           AS claims_checked
FROM article_versions v
JOIN articles a ON a.id = v.article_id
LEFT JOIN stories s ON s.id = a.story_id
LEFT JOIN mention_counts m ON m.version_id = v.id
WHERE a.story_id IS NOT NULL
ORDER BY a.story_id, seen_at, version_id;
