-- Tests: pretend the article stage handled every entry.
UPDATE entries SET state = ?
