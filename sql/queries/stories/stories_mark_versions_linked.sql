UPDATE article_versions SET linked_at = $now
WHERE id IN (SELECT unnest(string_split($ids, ','))::BIGINT)
