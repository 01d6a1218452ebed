-- The claim ledger of one story, oldest first: its claims, then (alias = true) the other wordings
-- of them that its articles used, from mentions judged `seen` below $alias_max_score.
-- A claim an editor corrected to `seen` stands for the claim it restates (seen_as).
SELECT id, text, normalized, version_id, alias
FROM (
    SELECT coalesce(seen_as, id) AS id, text, normalized, first_version_id AS version_id,
           false AS alias, first_seen_at AS said_at, id AS tiebreak
    FROM claims
    WHERE story_id = $story_id
    UNION ALL
    SELECT coalesce(c.seen_as, c.id), m.sentence, m.normalized, m.version_id, true,
           m.mentioned_at, c.id
    FROM claim_mentions m
    JOIN claims c ON c.id = m.claim_id
    WHERE c.story_id = $story_id AND m.status = 'seen' AND m.score < $alias_max_score
)
ORDER BY said_at, alias, tiebreak;
