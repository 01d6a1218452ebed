UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?;
