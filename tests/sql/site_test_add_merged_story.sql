-- Tests: a story merged into story $1, as story linking leaves one behind.
INSERT INTO stories (id, name, tracked, keywords, created_at, merged_into)
SELECT max(id) + 1, 'Israeli strikes in Syria (duplicate)', false, [], TIMESTAMP '2026-11-21 21:20:00', $1
FROM stories
