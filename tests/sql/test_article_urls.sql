SELECT url FROM articles ORDER BY id;
