-- Add one distinct claim to a story's ledger; a claim already stored under the same normalised
-- form is kept as it is.
INSERT INTO claims (story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
VALUES ($story_id, $text, $normalized, $kind, $changed_from, $version_id, $article_id, $outlet,
        $seen_at)
ON CONFLICT (story_id, normalized) DO NOTHING
RETURNING id;
