-- The story's claim ledger, with whether each claim is possibly restated (the macro in
-- sql/views/05_possibly_restated.sql) and where its closest earlier claim first appeared.
SELECT l.*,
       possibly_restated(l.kind, l.uncertain, l.first_article_id, near.first_article_id)
                           AS possibly_restated,
       near.first_outlet   AS nearest_outlet,
       near.first_seen_at  AS nearest_seen_at,
       nearest_article.url AS nearest_url
FROM claim_ledger l
LEFT JOIN claims near ON near.id = l.nearest_claim_id
LEFT JOIN articles nearest_article ON nearest_article.id = near.first_article_id
WHERE l.story_id = ?
ORDER BY l.first_seen_at, l.claim_id;
