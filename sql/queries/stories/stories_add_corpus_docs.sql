INSERT INTO story_corpus (docs) VALUES (?)
