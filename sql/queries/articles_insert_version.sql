INSERT INTO article_versions
    (article_id, version, content_hash, title, author, published_at, site_name, text, raw_html,
     fetched_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id
