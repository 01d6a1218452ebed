-- bench: how many documents the history's frequencies count.
INSERT INTO story_corpus (id, docs) VALUES (1, $docs)
ON CONFLICT (id) DO UPDATE SET docs = story_corpus.docs + excluded.docs
