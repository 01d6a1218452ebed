UPDATE articles SET story_id = $1 WHERE story_id = $2
