-- Test fixture: an article version that story linking has finished with.
INSERT INTO article_versions (article_id, version, content_hash, title, text, published_at,
                              fetched_at, linked_at)
VALUES ($article_id, $version, md5($text), $title, $text, $published_at, $now, $now)
RETURNING id;
