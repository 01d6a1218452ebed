UPDATE stories SET keywords = ? WHERE id = ?
