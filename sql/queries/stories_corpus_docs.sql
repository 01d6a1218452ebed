SELECT docs FROM story_corpus WHERE id = 1
