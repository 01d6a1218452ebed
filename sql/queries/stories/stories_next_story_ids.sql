SELECT nextval('story_ids') FROM range(?)
