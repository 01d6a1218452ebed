-- bench: the claim ledger: each distinct sentence of a story, first seen in its earliest article.
INSERT INTO claims (story_id, text, normalized, kind, changed_from, first_version_id,
                    first_article_id, first_outlet, first_seen_at)
WITH said AS (
    SELECT a.story_id, v.id AS version_id, a.id AS article_id, p.outlet, p.seen_at,
           unnest(p.sentence_list) AS sentence, unnest(p.normalized_list) AS normalized
    FROM bench_plan p JOIN articles a ON a.url = p.url JOIN article_versions v ON v.article_id = a.id
)
SELECT story_id, arg_min(sentence, seen_at), normalized, 'new', NULL, arg_min(version_id, seen_at),
       arg_min(article_id, seen_at), arg_min(outlet, seen_at), min(seen_at)
FROM said
GROUP BY story_id, normalized
