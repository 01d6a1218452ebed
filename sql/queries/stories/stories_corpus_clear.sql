-- Compaction: empty the corpus-size log (refilled with its sum as one row).
DELETE FROM story_corpus
