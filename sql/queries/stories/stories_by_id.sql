SELECT id, name, tracked, merged_into, keywords FROM stories WHERE id = ?
