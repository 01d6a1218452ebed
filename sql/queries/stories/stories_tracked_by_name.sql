SELECT id, keywords FROM stories WHERE tracked AND name = ? ORDER BY id LIMIT 1
