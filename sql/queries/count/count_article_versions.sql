SELECT count(*) FROM article_versions;
