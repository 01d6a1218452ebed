-- Stage marker: this version's claims are judged.
UPDATE article_versions SET claims_at = $now WHERE id = $version_id;
