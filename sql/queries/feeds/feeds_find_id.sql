-- The feed with this id, if there is one (`monitor feeds reset ID`).
SELECT id FROM feeds WHERE id = $id
