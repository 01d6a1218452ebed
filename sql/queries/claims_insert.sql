-- Add one distinct claim to a story's ledger; the caller has checked that no claim of the story
-- has the same normalised form (claims_find_normalized) and drawn $id from claim_ids.
INSERT INTO claims (id, story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
VALUES ($id, $story_id, $text, $normalized, $kind, $changed_from, $version_id, $article_id,
        $outlet, $seen_at);
