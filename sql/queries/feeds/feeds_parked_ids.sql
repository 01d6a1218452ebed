-- Every parked feed's id (`monitor feeds reset --all` reports them before un-parking).
SELECT id FROM feeds WHERE parked ORDER BY id
