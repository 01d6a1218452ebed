-- One new article version; the caller draws its id from version_ids (db.insert_with_id).
INSERT INTO article_versions
    (id, article_id, version, content_hash, title, author, published_at, site_name, text, raw_html,
     fetched_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
