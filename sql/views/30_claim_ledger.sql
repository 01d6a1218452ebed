-- Every distinct claim of every story: where it first appeared, who repeated it, how it changed.
-- Named claim_ledger because the core table `claims` is the ledger's raw storage.
CREATE OR REPLACE VIEW claim_ledger AS
WITH mention_stats AS (
    SELECT claim_id,
           count(*)                                      AS mentions,
           count(DISTINCT outlet)                        AS corroboration,
           list(DISTINCT outlet ORDER BY outlet)         AS outlets,
           max(mentioned_at)                             AS last_seen_at,
           list({'at': mentioned_at, 'status': status, 'outlet': outlet,
                 'article_id': article_id, 'version_id': version_id, 'score': score}
                ORDER BY mentioned_at, id)               AS status_history,
           string_agg(status || ' (' || outlet || ', ' || strftime(mentioned_at, '%Y-%m-%d %H:%M') || ')',
                      ' → ' ORDER BY mentioned_at, id)   AS history
    FROM claim_mentions
    GROUP BY claim_id
),
successors AS (
    SELECT changed_from AS claim_id, list(id ORDER BY first_seen_at, id) AS changed_by
    FROM claims
    WHERE changed_from IS NOT NULL
    GROUP BY changed_from
)
SELECT c.id                               AS claim_id,
       c.story_id,
       s.name                             AS story_name,
       c.text,
       c.kind,
       c.changed_from,
       earlier.text                       AS changed_from_text,
       sc.changed_by,
       c.first_outlet,
       c.first_seen_at,
       c.first_article_id,
       c.first_version_id,
       a.url                              AS first_url,
       v.title                            AS first_title,
       coalesce(ms.corroboration, 1)      AS corroboration,
       coalesce(ms.outlets, [c.first_outlet]) AS outlets,
       coalesce(ms.mentions, 0)           AS mentions,
       coalesce(ms.last_seen_at, c.first_seen_at) AS last_seen_at,
       ms.history,
       ms.status_history,
       c.confidence,
       c.uncertain,
       c.nearest_claim_id,
       nearest.text                       AS nearest_text,
       c.nearest_score,
       c.change_kind,
       c.seen_as
FROM claims c
LEFT JOIN claims nearest ON nearest.id = c.nearest_claim_id
LEFT JOIN stories s ON s.id = c.story_id
LEFT JOIN claims earlier ON earlier.id = c.changed_from
LEFT JOIN successors sc ON sc.claim_id = c.id
LEFT JOIN articles a ON a.id = c.first_article_id
LEFT JOIN article_versions v ON v.id = c.first_version_id
LEFT JOIN mention_stats ms ON ms.claim_id = c.id
ORDER BY c.story_id, c.first_seen_at, c.id;
