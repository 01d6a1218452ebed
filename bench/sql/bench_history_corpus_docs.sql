-- bench: how many documents the history's frequencies count.
INSERT INTO story_corpus (docs) VALUES ($docs)
