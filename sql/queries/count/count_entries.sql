SELECT count(*) FROM entries;
