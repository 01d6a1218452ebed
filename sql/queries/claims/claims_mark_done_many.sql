-- Stage marker for a batch: these versions' claims are judged.
UPDATE article_versions SET claims_at = $now WHERE id IN (SELECT unnest($version_ids::BIGINT[]));
