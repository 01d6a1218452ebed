SELECT count(*) FROM stories;
