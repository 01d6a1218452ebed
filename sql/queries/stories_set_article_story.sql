UPDATE articles SET story_id = ? WHERE id = ?
