-- New and changed claims, most recently detected first: the query behind alerts.
-- detected_at is when the monitor flagged the claim (its article version's claim check);
-- first_seen_at is the time the claims stage gives the claim (the article's own date when known).
-- "What is new since T" is `WHERE detected_at > T`, or the table macro `new_claims_since(T)`.
-- opens_story marks claims of a story's first article, which alerts announce as a new story.
-- possibly_restated (macro in 05_possibly_restated.sql) marks new claims in the uncertain band
-- against an earlier article, nearest_text the claim they may restate.
CREATE OR REPLACE VIEW new_claims AS
WITH story_openers AS (
    -- The story's first article is the first one the monitor processed, whatever its date.
    SELECT c.story_id, arg_min(c.first_version_id, v.fetched_at) AS first_version_id
    FROM claims c
    JOIN article_versions v ON v.id = c.first_version_id
    GROUP BY c.story_id
),
alert_stats AS (
    SELECT claim_id, story_id,
           count(*) FILTER (WHERE status = 'sent') AS alerts_sent,
           count(*)                                AS alerts
    FROM alerts
    WHERE kind IN ('new_claim', 'changed_claim')
    GROUP BY claim_id, story_id
)
SELECT coalesce(v.claims_at, v.fetched_at, c.first_seen_at) AS detected_at,
       c.first_seen_at,
       c.story_id,
       s.name                              AS story_name,
       c.kind,
       c.text,
       earlier.text                        AS before_text,
       c.first_outlet                      AS outlet,
       a.url,
       v.title,
       c.id                                AS claim_id,
       c.changed_from,
       c.first_article_id                  AS article_id,
       c.first_version_id                  AS version_id,
       c.first_version_id = so.first_version_id AS opens_story,
       coalesce(al.alerts_sent, 0)         AS alerts_sent,
       c.confidence,
       possibly_restated(c.kind, c.uncertain, c.first_article_id, nearest.first_article_id)
                                           AS possibly_restated,
       c.nearest_claim_id,
       nearest.text                        AS nearest_text,
       c.nearest_score,
       c.change_kind
FROM claims c
LEFT JOIN claims nearest ON nearest.id = c.nearest_claim_id
LEFT JOIN stories s ON s.id = c.story_id
LEFT JOIN claims earlier ON earlier.id = c.changed_from
LEFT JOIN articles a ON a.id = c.first_article_id
LEFT JOIN article_versions v ON v.id = c.first_version_id
LEFT JOIN story_openers so ON so.story_id = c.story_id
LEFT JOIN alert_stats al ON al.claim_id = c.id AND al.story_id = c.story_id
WHERE c.kind IN ('new', 'changed')
ORDER BY detected_at DESC, c.first_seen_at DESC, c.story_id, c.id;

CREATE OR REPLACE MACRO new_claims_since(since) AS TABLE
    SELECT * FROM new_claims WHERE detected_at > since;
