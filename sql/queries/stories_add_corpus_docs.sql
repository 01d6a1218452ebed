INSERT INTO story_corpus (id, docs) VALUES (1, ?)
ON CONFLICT (id) DO UPDATE SET docs = story_corpus.docs + excluded.docs
