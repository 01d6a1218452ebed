INSERT INTO claims (story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
SELECT $1, text, normalized, kind, changed_from, $2, $3, $4, $5 FROM claims WHERE id = $6
RETURNING id
