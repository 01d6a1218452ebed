SELECT state FROM entries;
