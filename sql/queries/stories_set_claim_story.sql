UPDATE claims SET story_id = ? WHERE id = ?
