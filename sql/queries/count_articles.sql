SELECT count(*) FROM articles;
