-- A batch's new articles in one statement, with ids drawn by articles_reserve_ids.
INSERT INTO articles (id, url, outlet, first_seen_at)
SELECT unnest($ids::BIGINT[]), unnest($urls::VARCHAR[]), unnest($outlets::VARCHAR[]), $now
