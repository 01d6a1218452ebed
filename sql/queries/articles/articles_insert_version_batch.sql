-- A batch's new article versions in one statement, with ids drawn by articles_reserve_version_ids.
INSERT INTO article_versions
    (id, article_id, version, content_hash, title, author, published_at, published_source,
     site_name, text, raw_html, fetched_at)
SELECT unnest($ids::BIGINT[]), unnest($article_ids::BIGINT[]), unnest($versions::INTEGER[]),
       unnest($hashes::VARCHAR[]), unnest($titles::VARCHAR[]), unnest($authors::VARCHAR[]),
       unnest($published::TIMESTAMP[]), unnest($published_sources::VARCHAR[]),
       unnest($site_names::VARCHAR[]), unnest($texts::VARCHAR[]), unnest($raw_html::VARCHAR[]), $now
