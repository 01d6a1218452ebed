-- Content hash and number of every stored version of the articles $article_ids.
SELECT article_id, content_hash, version
FROM article_versions
WHERE article_id IN (SELECT unnest($article_ids::BIGINT[]))
