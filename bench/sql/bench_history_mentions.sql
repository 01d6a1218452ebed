-- bench: every judged sentence of every history version, pointing at its claim.
INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,
                            status, score, outlet, mentioned_at)
WITH said AS (
    SELECT a.story_id, v.id AS version_id, a.id AS article_id, p.outlet, p.seen_at,
           unnest(p.sentence_list) AS sentence, unnest(p.normalized_list) AS normalized,
           generate_subscripts(p.sentence_list, 1) - 1 AS sentence_index
    FROM bench_plan p JOIN articles a ON a.url = p.url JOIN article_versions v ON v.article_id = a.id
)
SELECT c.id, s.story_id, s.version_id, s.article_id, s.sentence_index, s.sentence,
       CASE WHEN c.first_version_id = s.version_id THEN 'new' ELSE 'seen' END,
       100.0, s.outlet, s.seen_at
FROM said s JOIN claims c ON c.story_id = s.story_id AND c.normalized = s.normalized
