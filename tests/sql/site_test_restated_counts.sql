-- Tests: a story's confident new claims and possibly restated ones, as new_claims tells them apart.
SELECT count(*) FILTER (WHERE kind = 'new' AND NOT possibly_restated) AS new_claims,
       count(*) FILTER (WHERE possibly_restated)                      AS restated_claims
FROM new_claims
WHERE story_id = $story_id
