-- Copies of claims in other stories (a split story keeps its own ledger), one per row of
-- `batch_rows` (monitor.db.query_rows): id (from claim_ids), story, version, article, outlet,
-- seen_at (the first sighting on the copy's side) and source (the claim copied).
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
SELECT b.id::BIGINT, b.story::BIGINT, c.text, c.normalized, c.kind, c.changed_from, b.version::BIGINT,
       b.article::BIGINT, b.outlet::VARCHAR, b.seen_at::TIMESTAMP
FROM batch_rows b
JOIN claims c ON c.id = b.source::BIGINT
ORDER BY b.id
