-- New and changed claims, newest first: the query behind alerts. Filter by time with
-- `WHERE first_seen_at > TIMESTAMP '...'` or the table macro `new_claims_since(TIMESTAMP '...')`.
-- opens_story marks claims of a story's first article, which alerts announce as a new story.
CREATE OR REPLACE VIEW new_claims AS
WITH story_openers AS (
    SELECT story_id, arg_min(first_version_id, first_seen_at) AS first_version_id
    FROM claims
    GROUP BY story_id
),
alert_stats AS (
    SELECT claim_id, story_id,
           count(*) FILTER (WHERE status = 'sent') AS alerts_sent,
           count(*)                                AS alerts
    FROM alerts
    WHERE kind IN ('new_claim', 'changed_claim')
    GROUP BY claim_id, story_id
)
SELECT c.first_seen_at,
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
       coalesce(al.alerts_sent, 0)         AS alerts_sent
FROM claims c
LEFT JOIN stories s ON s.id = c.story_id
LEFT JOIN claims earlier ON earlier.id = c.changed_from
LEFT JOIN articles a ON a.id = c.first_article_id
LEFT JOIN article_versions v ON v.id = c.first_version_id
LEFT JOIN story_openers so ON so.story_id = c.story_id
LEFT JOIN alert_stats al ON al.claim_id = c.id AND al.story_id = c.story_id
WHERE c.kind IN ('new', 'changed')
ORDER BY c.first_seen_at DESC, c.story_id, c.id;

CREATE OR REPLACE MACRO new_claims_since(since) AS TABLE
    SELECT * FROM new_claims WHERE first_seen_at > since;
