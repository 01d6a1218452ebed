-- A copy of claim $7 in story $2 (a split story keeps its own ledger); the id $1 comes from claim_ids.
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
SELECT $1, $2, text, normalized, kind, changed_from, $3, $4, $5, $6 FROM claims WHERE id = $7
