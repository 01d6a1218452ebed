-- The new claims of a batch of article versions in one statement, with ids drawn by
-- claims_reserve_ids. A claim its story already holds under the same normalised form is left as it
-- is (an anti-join rather than ON CONFLICT, so the same statement runs on DuckLake).
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
SELECT n.id, n.story_id, n.text, n.normalized, n.kind, n.changed_from, n.version_id, n.article_id,
       n.outlet, n.seen_at
FROM (SELECT unnest($ids::BIGINT[]) AS id, unnest($story_ids::BIGINT[]) AS story_id,
             unnest($texts::VARCHAR[]) AS text, unnest($normalized::VARCHAR[]) AS normalized,
             unnest($kinds::VARCHAR[]) AS kind, unnest($changed_from::BIGINT[]) AS changed_from,
             unnest($version_ids::BIGINT[]) AS version_id, unnest($article_ids::BIGINT[]) AS article_id,
             unnest($outlets::VARCHAR[]) AS outlet, unnest($seen_at::TIMESTAMP[]) AS seen_at) n
WHERE NOT EXISTS (
    -- Only the batch's stories are read: probing all claims read 4M normalised texts at 1M articles.
    SELECT 1
    FROM (SELECT story_id, normalized FROM claims
          WHERE story_id IN (SELECT unnest($story_ids::BIGINT[]))) c
    WHERE c.story_id = n.story_id AND c.normalized = n.normalized
);
