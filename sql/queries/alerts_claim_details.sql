-- What a message says about each claim: text, before-text, outlet, link, version, corroboration.
WITH picked AS (
    SELECT * FROM claims WHERE list_contains($ids::BIGINT[], id)
),
carriers AS (
    SELECT claim_id, outlet FROM claim_mentions WHERE list_contains($ids::BIGINT[], claim_id)
    UNION
    SELECT id, first_outlet FROM picked
)
SELECT c.id, c.story_id, c.kind, c.text, prev.text AS before_text, c.first_outlet, a.url,
       coalesce(v.version, 1) AS version,
       (SELECT count(DISTINCT k.outlet) FROM carriers k WHERE k.claim_id = c.id) AS outlets
FROM picked c
LEFT JOIN claims prev ON prev.id = c.changed_from
LEFT JOIN articles a ON a.id = c.first_article_id
LEFT JOIN article_versions v ON v.id = c.first_version_id
ORDER BY c.story_id, c.first_seen_at, c.id
