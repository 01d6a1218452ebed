INSERT INTO view_state VALUES (?, ?);
