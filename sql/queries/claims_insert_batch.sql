-- One version's new claims in one statement, with ids drawn by claims_reserve_ids. A claim the
-- story already holds under the same normalised form is left as it is (an anti-join rather than
-- ON CONFLICT, so the same statement runs on DuckLake).
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
SELECT n.id, $story_id, n.text, n.normalized, n.kind, n.changed_from, $version_id, $article_id,
       $outlet, $seen_at
FROM (SELECT unnest($ids::BIGINT[]) AS id, unnest($texts::VARCHAR[]) AS text,
             unnest($normalized::VARCHAR[]) AS normalized, unnest($kinds::VARCHAR[]) AS kind,
             unnest($changed_from::BIGINT[]) AS changed_from) n
WHERE NOT EXISTS (SELECT 1 FROM claims c
                  WHERE c.story_id = $story_id AND c.normalized = n.normalized);
