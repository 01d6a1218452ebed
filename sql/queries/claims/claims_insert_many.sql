-- The new claims of a batch of article versions in one statement (rows in batch_rows, see
-- db.query_rows), with ids drawn by claims_reserve_ids. A claim its story already holds under the
-- same normalised form is left as it is (an anti-join rather than ON CONFLICT, so the same
-- statement runs on DuckLake).
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
SELECT n.id, n.story_id, n.text, n.normalized, n.kind, n.changed_from, n.version_id, n.article_id,
       n.outlet, n.seen_at
FROM (SELECT id::BIGINT AS id, story_id::BIGINT AS story_id, text::VARCHAR AS text,
             normalized::VARCHAR AS normalized, kind::VARCHAR AS kind,
             changed_from::BIGINT AS changed_from, version_id::BIGINT AS version_id,
             article_id::BIGINT AS article_id, outlet::VARCHAR AS outlet,
             seen_at::TIMESTAMP AS seen_at
      FROM batch_rows) n
WHERE NOT EXISTS (
    -- Only the batch's stories are read: probing all claims read 4M normalised texts at 1M articles.
    SELECT 1
    FROM (SELECT story_id, normalized FROM claims
          WHERE story_id IN (SELECT DISTINCT story_id::BIGINT FROM batch_rows)) c
    WHERE c.story_id = n.story_id AND c.normalized = n.normalized
);
