-- Bench fixture: an article version that story linking has finished with; $id comes from version_ids.
INSERT INTO article_versions (id, article_id, version, content_hash, title, text, published_at,
                              fetched_at, linked_at)
VALUES ($id, $article_id, $version, md5($text), $title, $text, $published_at, $now, $now);
